"""Calendar invites and feeds: every output is parsed back with icalendar and checked."""

from __future__ import annotations

import dataclasses
import itertools
import re
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from icalendar import Calendar, Component, Event, Timezone

from app.privacy import PRIVACY_BANNED_WORDS
from scheduling.calendars.ics import (
    ATTENDEE_PARTSTAT,
    FeedEvent,
    Invite,
    calendar_feed_ics,
    find_banned_words,
    invite_ics,
)

UID = "3f2b8c1e-5d4a-4e7b-9c0d-1a2b3c4d5e6f@appointments.example"
JOIN = "https://app.example/appointments/3f2b8c1e/join"
START = datetime(2025, 3, 10, 14, 0, tzinfo=UTC)
STAMP = datetime(2025, 3, 1, 9, 30, 15, 123456, tzinfo=UTC)


def make_invite(**overrides: object) -> Invite:
    values: dict[str, object] = {
        "uid": UID,
        "sequence": 0,
        "method": "REQUEST",
        "starts_at": START,
        "ends_at": START + timedelta(minutes=50),
        "organizer_name": "Harbor Light",
        "organizer_email": "appointments@harborlight.example",
        "recipient_name": "Alex Rivera",
        "recipient_email": "alex@example.org",
        "join_page_url": JOIN,
        "dtstamp": STAMP,
    }
    values.update(overrides)
    return Invite(**values)  # type: ignore[arg-type]


def make_feed_event(n: int = 0, **overrides: object) -> FeedEvent:
    values: dict[str, object] = {
        "uid": f"feed-{n}@appointments.example",
        "sequence": n,
        "starts_at": START + timedelta(days=n),
        "ends_at": START + timedelta(days=n, minutes=50),
        "title": "Appointment",
        "join_page_url": f"https://app.example/appointments/{n}/join",
    }
    values.update(overrides)
    return FeedEvent(**values)  # type: ignore[arg-type]


def parse(ics: bytes) -> Calendar:
    calendar = Calendar.from_ical(ics)
    assert isinstance(calendar, Calendar)
    return calendar


def only_event(calendar: Calendar) -> Event:
    events = calendar.walk("VEVENT")
    assert len(events) == 1
    return events[0]


def properties_with_tzid(component: Component) -> list[tuple[str, str]]:
    """(property name, TZID) for every property in the component tree that names a zone."""
    found = []
    for part in component.walk():
        for name, value in part.property_items(recursive=False):
            values = value if isinstance(value, list) else [value]
            for item in values:
                tzid = getattr(item, "params", {}).get("TZID")
                if tzid:
                    found.append((name, str(tzid)))
    return found


def missing_vtimezones(calendar: Calendar) -> set[str]:
    """TZIDs referenced by some property without a VTIMEZONE defining them."""
    defined = {str(tz["TZID"]) for tz in calendar.walk("VTIMEZONE")}
    return {tzid for _, tzid in properties_with_tzid(calendar)} - defined


def all_outputs() -> dict[str, bytes]:
    zoned = START.astimezone(ZoneInfo("America/New_York"))
    return {
        "request": invite_ics(make_invite()),
        "request-zoned": invite_ics(
            make_invite(starts_at=zoned, ends_at=zoned + timedelta(hours=1))
        ),
        "cancel": invite_ics(make_invite(method="CANCEL", sequence=4)),
        "feed": calendar_feed_ics(
            "Harbor Light schedule",
            [make_feed_event(0), make_feed_event(1, cancelled=True)],
            dtstamp=STAMP,
        ),
        "empty-feed": calendar_feed_ics("Harbor Light schedule", [], dtstamp=STAMP),
    }


OUTPUTS = all_outputs()


def test_request_invite_round_trips() -> None:
    ics = invite_ics(make_invite(sequence=2, reminder_minutes=30))
    calendar = parse(ics)
    assert str(calendar["METHOD"]) == "REQUEST"
    assert str(calendar["VERSION"]) == "2.0"
    assert str(calendar["CALSCALE"]) == "GREGORIAN"
    assert str(calendar["PRODID"])
    event = only_event(calendar)
    assert str(event["UID"]) == UID
    assert int(event["SEQUENCE"]) == 2
    assert event["DTSTART"].dt == START
    assert event["DTEND"].dt == START + timedelta(minutes=50)
    assert event["DTSTAMP"].dt == STAMP.replace(microsecond=0)
    for name in ("DTSTART", "DTEND", "DTSTAMP"):
        assert event[name].dt.utcoffset() == timedelta(0)
        assert re.search(rf"^{name}:\d{{8}}T\d{{6}}Z\r$", ics.decode(), re.MULTILINE)
    organizer = event["ORGANIZER"]
    assert str(organizer) == "mailto:appointments@harborlight.example"
    assert organizer.params["CN"] == "Harbor Light"
    attendees = event.get("ATTENDEE")
    assert not isinstance(attendees, list), "exactly one attendee"
    assert str(attendees) == "mailto:alex@example.org"
    assert attendees.params["CN"] == "Alex Rivera"
    assert attendees.params["ROLE"] == "REQ-PARTICIPANT"
    assert attendees.params["PARTSTAT"] == ATTENDEE_PARTSTAT == "ACCEPTED"
    assert attendees.params["RSVP"] == "FALSE"
    assert ics.count(b"\r\nATTENDEE") == 1
    assert str(event["CLASS"]) == "PRIVATE"
    assert str(event["TRANSP"]) == "OPAQUE"
    assert str(event["STATUS"]) == "CONFIRMED"
    assert str(event["SUMMARY"]) == "Appointment with Harbor Light"
    assert str(event["LOCATION"]) == JOIN
    assert str(event["URL"]) == JOIN
    assert JOIN in str(event["DESCRIPTION"])
    for name in ("LOCATION", "URL", "DESCRIPTION"):
        assert "token" not in str(event[name]).lower()
        assert "jwt" not in str(event[name]).lower()
    (alarm,) = event.walk("VALARM")
    assert str(alarm["ACTION"]) == "DISPLAY"
    assert str(alarm["DESCRIPTION"]) == "Appointment reminder"
    assert alarm["TRIGGER"].dt == timedelta(minutes=-30)
    assert b"TRIGGER:-PT30M" in ics


def test_local_times_are_written_in_utc() -> None:
    tz = ZoneInfo("Australia/Lord_Howe")  # a half-hour DST shift
    start = datetime(2025, 4, 6, 1, 45, tzinfo=tz)
    event = only_event(
        parse(invite_ics(make_invite(starts_at=start, ends_at=start + timedelta(minutes=50))))
    )
    assert event["DTSTART"].dt == start.astimezone(UTC)
    assert event["DTSTART"].dt.utcoffset() == timedelta(0)
    assert "TZID" not in event["DTSTART"].params


def test_cancel_invite() -> None:
    ics = invite_ics(make_invite(method="CANCEL", sequence=5))
    calendar = parse(ics)
    assert str(calendar["METHOD"]) == "CANCEL"
    event = only_event(calendar)
    assert str(event["UID"]) == UID
    assert int(event["SEQUENCE"]) == 5
    assert str(event["STATUS"]) == "CANCELLED"
    assert str(event["ATTENDEE"]) == "mailto:alex@example.org"
    assert event.walk("VALARM") == []


def test_book_reschedule_twice_cancel_keeps_uid_and_raises_sequence() -> None:
    base = make_invite()
    moves = [
        {"sequence": 0},
        {"sequence": 1, "starts_at": START + timedelta(days=1)},
        {"sequence": 2, "starts_at": START + timedelta(days=2, hours=3)},
        {"sequence": 3, "starts_at": START + timedelta(days=2, hours=3), "method": "CANCEL"},
    ]
    parsed = []
    for move in moves:
        start = move.get("starts_at", START)
        invite = dataclasses.replace(base, **move, ends_at=start + timedelta(minutes=50))
        calendar = parse(invite_ics(invite))
        parsed.append((str(calendar["METHOD"]), only_event(calendar)))
    assert [method for method, _ in parsed] == ["REQUEST", "REQUEST", "REQUEST", "CANCEL"]
    assert {str(event["UID"]) for _, event in parsed} == {UID}
    sequences = [int(event["SEQUENCE"]) for _, event in parsed]
    assert all(a < b for a, b in itertools.pairwise(sequences))
    assert [event["DTSTART"].dt for _, event in parsed] == [
        START,
        START + timedelta(days=1),
        START + timedelta(days=2, hours=3),
        START + timedelta(days=2, hours=3),
    ]
    assert [str(event["STATUS"]) for _, event in parsed][-1] == "CANCELLED"


@pytest.mark.parametrize("name", sorted(OUTPUTS))
def test_all_times_are_utc_so_no_vtimezone_is_needed(name: str) -> None:
    calendar = parse(OUTPUTS[name])
    for event in calendar.walk("VEVENT"):
        for prop in ("DTSTART", "DTEND", "DTSTAMP"):
            assert "TZID" not in event[prop].params
            assert event[prop].dt.utcoffset() == timedelta(0)
    assert properties_with_tzid(calendar) == []
    assert missing_vtimezones(calendar) == set()
    assert calendar.walk("VTIMEZONE") == []


def test_vtimezone_helper_finds_missing_and_accepts_defined_zones() -> None:
    calendar = Calendar()
    event = Event()
    event.add("dtstart", datetime(2025, 3, 10, 9, 0, tzinfo=ZoneInfo("Europe/Paris")))
    calendar.add_component(event)
    reparsed = parse(calendar.to_ical())
    assert properties_with_tzid(reparsed) == [("DTSTART", "Europe/Paris")]
    assert missing_vtimezones(reparsed) == {"Europe/Paris"}
    calendar.add_component(Timezone.from_tzid("Europe/Paris"))
    assert missing_vtimezones(parse(calendar.to_ical())) == set()


@pytest.mark.parametrize("name", sorted(OUTPUTS))
def test_no_banned_words_in_any_output(name: str) -> None:
    assert find_banned_words(OUTPUTS[name]) == []
    calendar = parse(OUTPUTS[name])
    for part in calendar.walk():
        for prop, value in part.property_items(recursive=False):
            text = f"{prop} {value} {getattr(value, 'params', '')}".casefold()
            assert [w for w in PRIVACY_BANNED_WORDS if w in text] == []


def test_banned_word_scan_sees_folded_lines_parameters_and_escapes() -> None:
    raw = (
        b"BEGIN:VCALENDAR\r\n"
        b'ATTENDEE;CN="Calm Ther\r\n apy Group":mailto:a@example.org\r\n'
        b"DESCRIPTION:PHQ-9 score\\, GAD-7\\nAnxiety\r\n"
        b"X-NOTE:trauma\r\n"
        b"END:VCALENDAR\r\n"
    )
    assert find_banned_words(raw) == ["therapy", "anxiety", "trauma", "phq", "gad-7"]


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("organizer_email", "noreply@calmtherapy.example"),
        ("uid", "abc@teletherapy.example"),
        ("join_page_url", "https://teletherapy.example/join/1"),
    ],
)
def test_refuses_banned_words_in_any_screened_field(field: str, value: str) -> None:
    with pytest.raises(ValueError, match=field):
        invite_ics(make_invite(**{field: value}))


def test_recipient_own_address_is_not_screened_but_the_scan_reports_it() -> None:
    ics = invite_ics(make_invite(recipient_email="jane@janetherapist.example"))
    assert find_banned_words(ics) == ["therapist"]


@pytest.mark.parametrize(
    "url",
    [
        "https://app.example/join?token=abc",
        "https://app.example/join#jwt=eyJ",
        "https://user:secret@app.example/join",
        "ftp://app.example/join",
        "/appointments/1/join",
        "https://app.example/join page",
    ],
)
def test_refuses_join_urls_with_credentials_or_not_absolute(url: str) -> None:
    with pytest.raises(ValueError, match="join_page_url"):
        make_invite(join_page_url=url)


@pytest.mark.parametrize("field", ["starts_at", "ends_at", "dtstamp"])
def test_naive_datetimes_are_refused(field: str) -> None:
    naive = {"starts_at": START, "ends_at": START + timedelta(hours=1), "dtstamp": STAMP}
    naive[field] = naive[field].replace(tzinfo=None)
    with pytest.raises(ValueError, match=f"{field} must be timezone-aware"):
        invite_ics(make_invite(**naive))


def test_naive_datetimes_are_refused_in_feeds() -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        make_feed_event(starts_at=START.replace(tzinfo=None))
    with pytest.raises(ValueError, match="dtstamp must be timezone-aware"):
        calendar_feed_ics("Schedule", [], dtstamp=STAMP.replace(tzinfo=None))


@pytest.mark.parametrize(
    "ends_at",
    [START, START - timedelta(minutes=1), START + timedelta(microseconds=500_000)],
)
def test_end_must_follow_start(ends_at: datetime) -> None:
    with pytest.raises(ValueError, match="ends_at must be after starts_at"):
        invite_ics(make_invite(ends_at=ends_at))
    with pytest.raises(ValueError, match="ends_at must be after starts_at"):
        make_feed_event(starts_at=START, ends_at=ends_at)


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"method": "PUBLISH"}, "method"),
        ({"sequence": -1}, "sequence"),
        ({"sequence": True}, "sequence"),
        ({"reminder_minutes": -5}, "reminder_minutes"),
        ({"recipient_email": "APPOINTMENTS@harborlight.example"}, "differ"),
        ({"recipient_email": "not-an-address"}, "recipient_email"),
        ({"recipient_name": None}, "recipient_name"),
        ({"organizer_name": 7}, "organizer_name"),
        ({"uid": "has space@example"}, "uid"),
    ],
)
def test_refuses_malformed_invites(overrides: dict[str, object], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        make_invite(**overrides)


def test_zero_minute_reminder_and_sub_second_inputs() -> None:
    ics = invite_ics(make_invite(reminder_minutes=0, starts_at=START + timedelta(microseconds=9)))
    event = only_event(parse(ics))
    assert event.walk("VALARM")[0]["TRIGGER"].dt == timedelta(0)
    assert event["DTSTART"].dt == START


def test_feed_publishes_events_without_attendees() -> None:
    events = [make_feed_event(2), make_feed_event(0, cancelled=True), make_feed_event(1)]
    ics = calendar_feed_ics("Harbor Light schedule", events, dtstamp=STAMP)
    calendar = parse(ics)
    assert str(calendar["METHOD"]) == "PUBLISH"
    assert str(calendar["X-WR-CALNAME"]) == "Harbor Light schedule"
    assert b"\r\nREFRESH-INTERVAL;VALUE=DURATION:PT1H\r\n" in ics
    assert b"\r\nX-PUBLISHED-TTL:PT1H\r\n" in ics
    parsed = calendar.walk("VEVENT")
    assert [str(e["UID"]) for e in parsed] == [f"feed-{n}@appointments.example" for n in range(3)]
    assert [str(e["STATUS"]) for e in parsed] == ["CANCELLED", "CONFIRMED", "CONFIRMED"]
    for event, n in zip(parsed, range(3), strict=True):
        assert int(event["SEQUENCE"]) == n
        assert event["DTSTART"].dt == START + timedelta(days=n)
        assert event["DTSTAMP"].dt == STAMP.replace(microsecond=0)
        assert str(event["CLASS"]) == "PRIVATE"
        assert str(event["SUMMARY"]) == "Appointment"
        assert (
            str(event["URL"])
            == str(event["LOCATION"])
            == f"https://app.example/appointments/{n}/join"
        )
        assert "ATTENDEE" not in event
        assert "ORGANIZER" not in event
    assert b"ATTENDEE" not in ics
    assert calendar.walk("VALARM") == []


def test_feed_refuses_duplicate_uids_and_clinical_titles() -> None:
    with pytest.raises(ValueError, match="distinct uids"):
        calendar_feed_ics("Schedule", [make_feed_event(0), make_feed_event(0)], dtstamp=STAMP)
    with pytest.raises(ValueError, match="title"):
        make_feed_event(title="CBT session")
    with pytest.raises(ValueError, match="name"):
        calendar_feed_ics("Therapy sessions", [], dtstamp=STAMP)


instants = st.datetimes(
    min_value=datetime(1970, 1, 2),
    max_value=datetime(2200, 1, 1),
    timezones=st.timezones(),
).map(lambda dt: dt.replace(microsecond=0))


@settings(max_examples=200, deadline=None)
@given(
    start=instants,
    end_zone=st.timezones(),
    stamp=instants,
    seconds=st.integers(min_value=1, max_value=14 * 24 * 3600),
)
def test_any_aware_time_in_any_zone_round_trips_to_the_same_utc_instant(
    start: datetime, end_zone: ZoneInfo, stamp: datetime, seconds: int
) -> None:
    end = (start.astimezone(UTC) + timedelta(seconds=seconds)).astimezone(end_zone)
    ics = invite_ics(make_invite(starts_at=start, ends_at=end, dtstamp=stamp))
    event = only_event(parse(ics))
    for prop, expected in (("DTSTART", start), ("DTEND", end), ("DTSTAMP", stamp)):
        got = event[prop].dt
        assert got.utcoffset() == timedelta(0)
        assert "TZID" not in event[prop].params
        assert got.timestamp() == expected.timestamp()
    assert event["DTEND"].dt - event["DTSTART"].dt == timedelta(seconds=seconds)
