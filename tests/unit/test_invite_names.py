"""Names in invites: a person's name is never refused, and no stored name breaks an invite.

Names are the person's data, so an invite is never refused for one ("Counsell", "Ada Patient");
names stored before input validation (line breaks, backslashes, control characters) are written
as one line. The clinical-word scan runs here, over generated invites, as a test.
"""

from __future__ import annotations

import dataclasses

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from app.directory.models import Clinic
from app.privacy import PRIVACY_BANNED_WORDS
from scheduling.calendars.ics import find_banned_words, invite_ics
from scheduling.calendars.notifications import NEUTRAL_ORGANIZER, MessageSettings, organizer_name
from tests.unit.test_invites import UID, make_invite, only_event, parse


def without_attendee(ics: bytes) -> bytes:
    """The invite without its ATTENDEE: the recipient's own name and address are theirs."""
    calendar = parse(ics)
    for event in calendar.walk("VEVENT"):
        del event["ATTENDEE"]
    out: bytes = calendar.to_ical()
    return out


@pytest.mark.parametrize(
    "name", ["Counsell", "Jo Counselman", "Ada Patient", "Dr. Lee, Psychologist", "Mental"]
)
@pytest.mark.parametrize("method", ["REQUEST", "CANCEL"])
def test_a_name_is_the_persons_data_and_never_stops_an_invite(name: str, method: str) -> None:
    ics = invite_ics(make_invite(recipient_name=name, method=method))
    event = only_event(parse(ics))
    assert event["ATTENDEE"].params["CN"] == name
    assert str(event["ATTENDEE"]) == "mailto:alex@example.org"
    assert str(event["SUMMARY"]) == "Appointment with Harbor Light"
    # everything but the recipient's own name and address is neutral
    assert find_banned_words(without_attendee(ics)) == []


# Stored before names were validated on input: each must still give a well-formed invite.
HOSTILE_NAMES = [
    ("Alex\r\nRivera", "Alex Rivera"),
    ("Alex\nRivera\r", "Alex Rivera"),
    ("Back\\slash\\", "Back slash"),
    ("Tab\there", "Tab here"),
    ("Nul\x00byte", "Nul byte"),
    ("Bell\x07\x7f\x85x", "Bell x"),
    ("Line\u2028para\u2029end", "Line para end"),
    ("Lone\ud800surrogate", "Lone?surrogate"),
    ('Ann "Q" O\'Neil; Jr., MD: x^y', 'Ann "Q" O\'Neil; Jr., MD: x^y'),
    ("  padded   name  ", "padded name"),
    ("Zoë Åström 山田", "Zoë Åström 山田"),
    ("\r\n\\ \t", ""),
]


@pytest.mark.parametrize(("stored", "shown"), HOSTILE_NAMES)
@pytest.mark.parametrize("method", ["REQUEST", "CANCEL"])
def test_stored_names_with_line_breaks_backslashes_or_controls_give_a_valid_invite(
    stored: str, shown: str, method: str
) -> None:
    ics = invite_ics(make_invite(recipient_name=stored, organizer_name=stored, method=method))
    bare = ics.replace(b"\r\n", b"")
    assert b"\r" not in bare
    assert b"\n" not in bare
    assert b"\x00" not in ics
    calendar = parse(ics)
    assert str(calendar["METHOD"]) == method
    event = only_event(calendar)
    assert str(event["UID"]) == UID
    attendee, organizer = event["ATTENDEE"], event["ORGANIZER"]
    assert str(attendee) == "mailto:alex@example.org"
    assert str(organizer) == "mailto:appointments@harborlight.example"
    assert attendee.params.get("CN") == (shown or None)
    assert organizer.params.get("CN") == (shown or None)
    assert str(event["SUMMARY"]) == (f"Appointment with {shown}" if shown else "Appointment")
    assert attendee.params["ROLE"] == "REQ-PARTICIPANT"


def test_a_blank_organizer_name_gives_a_neutral_summary() -> None:
    event = only_event(parse(invite_ics(make_invite(organizer_name="  "))))
    assert str(event["SUMMARY"]) == "Appointment"
    assert "CN" not in event["ORGANIZER"].params


names = st.one_of(
    st.text(min_size=1, max_size=30),
    st.text(st.characters(codec=None), max_size=30),  # control characters, lone surrogates
    st.tuples(
        st.text(max_size=10), st.sampled_from(PRIVACY_BANNED_WORDS), st.text(max_size=10)
    ).map(lambda parts: f"{parts[0]}{parts[1].upper()}{parts[2]}"),
)


def one_line_model(text: str) -> str:
    """Independent statement of what a stored name becomes in an invite."""
    text = text.encode("utf-8", "replace").decode("utf-8")
    kept = "".join(
        " " if c == "\\" or c in "\u2028\u2029" or ord(c) < 32 or 127 <= ord(c) < 160 else c
        for c in text
    )
    return " ".join(kept.split())


@settings(max_examples=300, deadline=None)
@given(organizer=names, recipient=names)
def test_whatever_names_are_stored_the_invite_is_built_and_round_trips(
    organizer: str, recipient: str
) -> None:
    invite = make_invite(organizer_name=organizer, recipient_name=recipient)
    for method in ("REQUEST", "CANCEL"):
        ics = invite_ics(dataclasses.replace(invite, method=method))
        event = only_event(parse(ics))
        assert event["ORGANIZER"].params.get("CN") == (one_line_model(organizer) or None)
        assert event["ATTENDEE"].params.get("CN") == (one_line_model(recipient) or None)
        assert str(event["ATTENDEE"]) == "mailto:alex@example.org"
        assert int(event["SEQUENCE"]) == 0


@settings(max_examples=300, deadline=None)
@given(recipient=names)
def test_whatever_the_recipient_is_called_nothing_else_carries_a_clinical_word(
    recipient: str,
) -> None:
    for method in ("REQUEST", "CANCEL"):
        ics = invite_ics(make_invite(recipient_name=recipient, method=method))
        assert find_banned_words(without_attendee(ics)) == []


@pytest.mark.parametrize(
    ("calendar_name", "shown"),
    [
        ("Harbor Light", "Harbor Light"),
        ("Harbor\r\nLight", "Harbor Light"),
        ("Harbor Light\\", "Harbor Light"),
        ("\r\n", NEUTRAL_ORGANIZER),
        (None, NEUTRAL_ORGANIZER),
    ],
)
def test_the_organizer_is_the_clinics_calendar_name_made_one_line(
    calendar_name: str | None, shown: str
) -> None:
    clinic = Clinic(name="Harbor Light Counseling", calendar_name=calendar_name)
    assert organizer_name(clinic) == shown
    event = only_event(parse(invite_ics(make_invite(organizer_name=organizer_name(clinic)))))
    assert str(event["SUMMARY"]) == f"Appointment with {shown}"
    assert event["ORGANIZER"].params["CN"] == shown


@pytest.mark.parametrize(
    ("app_url", "sender"),
    [
        ("https://teletherapy.example", "appointments@harborlight.example"),
        ("https://app.example", "noreply@calmtherapy.example"),
    ],
)
def test_message_settings_that_would_put_clinical_words_in_every_invite_are_refused(
    app_url: str, sender: str
) -> None:
    with pytest.raises(ValueError, match="therap"):
        MessageSettings(app_url=app_url, sender=sender, reminder_offsets=(60,))
