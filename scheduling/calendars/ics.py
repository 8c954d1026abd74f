"""Appointment facts -> iCalendar bytes: emailed invites (REQUEST/CANCEL) and a subscription feed.

Pure: no database, no Flask. Every instant is written in UTC ("...Z"), so no VTIMEZONE is needed.

Privacy: an invite passes through mail servers and calendar providers, so it carries no clinical
information. It is built only from fields that cannot carry any: fixed texts, times, the UID, the
join page, the organizer's address (these three refused if `app.privacy` finds a banned fragment),
the clinic's calendar name (screened when entered) and the recipient's own name and address.
Names are never refused: they are the person's data ("Counsell" must not stop anyone's mail), and
come from stored rows, so `one_line` makes them one safe line (line breaks, controls, backslashes
become spaces; icalendar escapes the rest). `find_banned_words` is the scan tests run on invites.

Attendee status: the booking is made in the app, so the attendee is written as PARTSTAT=ACCEPTED
with RSVP=FALSE (the organizer address does not process replies; changes happen in the app).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, fields
from datetime import UTC, datetime, timedelta
from typing import Literal, get_args
from urllib.parse import urlsplit

from icalendar import Alarm, Calendar, Event, vCalAddress, vDuration

from app.i18n.messages import marked
from app.privacy import clinical_words_in

Method = Literal["REQUEST", "CANCEL"]
__all__ = [
    "FeedEvent",
    "Invite",
    "calendar_feed_ics",
    "find_banned_words",
    "invite_ics",
    "one_line",
]

PRODID = "-//Appointment Scheduler//Calendar Invites 1.0//EN"
ATTENDEE_PARTSTAT = "ACCEPTED"
REMINDER_TEXT = marked("Appointment reminder")


@dataclass(frozen=True)
class InviteWords:
    """The words of an invite, in English unless translated (`translated`)."""

    summary: str = marked("Appointment")
    summary_with: str = marked("Appointment with %(organizer)s")
    join: str = marked("Join your appointment from this page: %(link)s")
    cancelled: str = marked("This appointment was cancelled. Details: %(link)s")
    reminder: str = REMINDER_TEXT

    def translated(self, gettext: Callable[[str], str]) -> InviteWords:
        """The same words through a catalog."""
        return InviteWords(*(gettext(getattr(self, f.name)) for f in fields(self)))


ENGLISH = InviteWords()
FEED_REFRESH = timedelta(hours=1)


_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]")
_EMAIL = re.compile(r"[^@\s:;,\"<>]+@[^@\s:;,\"<>]+")
_FOLD = re.compile(r"\r?\n[ \t]")
_LINE_BREAK = re.compile(r"\r?\n")
_ESCAPE = re.compile(r"\\([\\;,nN])")
_URL_SECRETS = ("token", "jwt")


def one_line(text: str) -> str:
    """Stored text as one line: controls, line breaks, backslashes -> spaces, spaces collapsed."""
    text = text.encode("utf-8", "replace").decode("utf-8")  # lone surrogates become "?"
    return " ".join(_CONTROL.sub(" ", text.replace("\\", " ")).split())


def find_banned_words(ics: bytes) -> list[str]:
    """Banned fragments in any unfolded content line (name, parameters, value), ignoring case."""
    text = _FOLD.sub("", ics.decode("utf-8"))
    lines = [
        _ESCAPE.sub(lambda m: " " if m.group(1) in "nN" else m.group(1), line).replace("^'", '"')
        for line in _LINE_BREAK.split(text)
    ]
    return clinical_words_in("\n".join(lines))


@dataclass(frozen=True)
class Invite:
    """One emailed invite for one recipient; validated on construction (ValueError)."""

    uid: str
    sequence: int
    method: Method
    starts_at: datetime
    ends_at: datetime
    organizer_name: str
    organizer_email: str
    recipient_name: str
    recipient_email: str
    join_page_url: str
    dtstamp: datetime
    reminder_minutes: int = 15
    words: InviteWords = ENGLISH

    def __post_init__(self) -> None:
        """Refuse bad values; names are not refused (see `one_line`), only non-text."""
        if self.method not in get_args(Method):
            raise ValueError(f"method must be REQUEST or CANCEL, not {self.method!r}")
        _check_common(self.uid, self.sequence, self.starts_at, self.ends_at, self.join_page_url)
        _utc(self.dtstamp, "dtstamp")
        for field in ("organizer_name", "recipient_name"):
            if not isinstance(getattr(self, field), str):
                raise ValueError(f"{field} must be text")
        _check_email("organizer_email", self.organizer_email, screen=True)
        _check_email("recipient_email", self.recipient_email, screen=False)
        if self.organizer_email.casefold() == self.recipient_email.casefold():
            raise ValueError("recipient_email must differ from organizer_email")
        if isinstance(self.reminder_minutes, bool) or not isinstance(self.reminder_minutes, int):
            raise ValueError("reminder_minutes must be an int")
        if self.reminder_minutes < 0:
            raise ValueError("reminder_minutes must be >= 0")


@dataclass(frozen=True)
class FeedEvent:
    """One appointment in a subscription feed; validated on construction (ValueError)."""

    uid: str
    sequence: int
    starts_at: datetime
    ends_at: datetime
    title: str
    join_page_url: str
    cancelled: bool = False

    def __post_init__(self) -> None:
        """Refuse bad values and anything that could leak clinical information."""
        _check_common(self.uid, self.sequence, self.starts_at, self.ends_at, self.join_page_url)
        _check_text("title", self.title)


def invite_ics(invite: Invite) -> bytes:
    """Render an invite as a METHOD:REQUEST or METHOD:CANCEL calendar with one VEVENT."""
    cancel = invite.method == "CANCEL"
    organizer, words = one_line(invite.organizer_name), invite.words
    calendar = _calendar(invite.method)
    event = _event(
        uid=invite.uid,
        sequence=invite.sequence,
        starts_at=invite.starts_at,
        ends_at=invite.ends_at,
        dtstamp=invite.dtstamp,
        summary=words.summary_with % {"organizer": organizer} if organizer else words.summary,
        join_page_url=invite.join_page_url,
        cancelled=cancel,
        words=words,
    )
    event.add("organizer", _address(invite.organizer_email, organizer))
    attendee = _address(invite.recipient_email, one_line(invite.recipient_name))
    attendee.params["ROLE"] = "REQ-PARTICIPANT"
    attendee.params["PARTSTAT"] = ATTENDEE_PARTSTAT
    attendee.params["RSVP"] = "FALSE"
    event.add("attendee", attendee)
    if not cancel:
        alarm = Alarm()
        alarm.add("action", "DISPLAY")
        alarm.add("description", words.reminder)
        alarm.add("trigger", timedelta(minutes=-invite.reminder_minutes))
        event.add_component(alarm)
    calendar.add_component(event)
    ics: bytes = calendar.to_ical()  # icalendar leaves to_ical's return type unannotated
    return ics


def calendar_feed_ics(
    name: str,
    events: Iterable[FeedEvent],
    *,
    dtstamp: datetime,
    refresh: timedelta = FEED_REFRESH,
) -> bytes:
    """Render a METHOD:PUBLISH subscription feed (no attendees, no alarms), ordered by start."""
    _check_text("name", name)
    stamp = _utc(dtstamp, "dtstamp")
    if refresh <= timedelta(0):
        raise ValueError("refresh must be positive")
    ordered = sorted(events, key=lambda e: (_utc(e.starts_at, "starts_at"), e.uid))
    uids = [e.uid for e in ordered]
    if len(set(uids)) != len(uids):
        raise ValueError("feed events must have distinct uids")
    calendar = _calendar("PUBLISH")
    calendar.add("x-wr-calname", name)
    calendar.add("refresh-interval", vDuration(refresh), parameters={"VALUE": "DURATION"})
    calendar.add("x-published-ttl", vDuration(refresh))
    for item in ordered:
        event = _event(
            uid=item.uid,
            sequence=item.sequence,
            starts_at=item.starts_at,
            ends_at=item.ends_at,
            dtstamp=stamp,
            summary=item.title,
            join_page_url=item.join_page_url,
            cancelled=item.cancelled,
        )
        calendar.add_component(event)
    ics: bytes = calendar.to_ical()  # icalendar leaves to_ical's return type unannotated
    return ics


def _calendar(method: str) -> Calendar:
    """An empty VCALENDAR with the headers every output carries."""
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", method)
    return calendar


def _event(
    *,
    uid: str,
    sequence: int,
    starts_at: datetime,
    ends_at: datetime,
    dtstamp: datetime,
    summary: str,
    join_page_url: str,
    cancelled: bool,
    words: InviteWords = ENGLISH,
) -> Event:
    """A VEVENT with the properties invites and feed entries share."""
    event = Event()
    event.add("uid", uid)
    event.add("sequence", sequence)
    event.add("dtstamp", _utc(dtstamp, "dtstamp"))
    event.add("dtstart", _utc(starts_at, "starts_at"))
    event.add("dtend", _utc(ends_at, "ends_at"))
    event.add("summary", summary)
    description = words.cancelled if cancelled else words.join
    event.add("description", description % {"link": join_page_url})
    event.add("location", join_page_url)
    event.add("url", join_page_url)
    event.add("class", "PRIVATE")
    event.add("transp", "OPAQUE")
    event.add("status", "CANCELLED" if cancelled else "CONFIRMED")
    return event


def _address(email: str, name: str) -> vCalAddress:
    """A mailto: calendar address with its display name (none when the name is blank)."""
    address = vCalAddress(f"mailto:{email}")
    if name:
        address.params["CN"] = name
    return address


def _utc(value: datetime, field: str) -> datetime:
    """An aware datetime as UTC, truncated to whole seconds (iCalendar's precision)."""
    if not isinstance(value, datetime):
        raise ValueError(f"{field} must be a datetime")
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValueError(f"{field} must be timezone-aware")
    return value.astimezone(UTC).replace(microsecond=0)


def _check_common(
    uid: str, sequence: int, starts_at: datetime, ends_at: datetime, url: str
) -> None:
    """Checks shared by invites and feed events."""
    if not uid or _CONTROL.search(uid) or any(c.isspace() for c in uid):
        raise ValueError("uid must be non-empty, without whitespace or control characters")
    _screen("uid", uid)
    if isinstance(sequence, bool) or not isinstance(sequence, int) or sequence < 0:
        raise ValueError("sequence must be an int >= 0")
    if _utc(ends_at, "ends_at") <= _utc(starts_at, "starts_at"):
        raise ValueError("ends_at must be after starts_at (to the second)")
    _check_url("join_page_url", url)


def _check_text(field: str, value: str) -> None:
    """Non-empty single-line text without banned words."""
    if not isinstance(value, str) or not value.strip():
        raise ValueError(f"{field} must be non-empty text")
    if _CONTROL.search(value) or "\\" in value:
        # A trailing backslash in a parameter (CN=...\:mailto:) is misread by parsers.
        raise ValueError(f"{field} must be one line without control characters or backslashes")
    _screen(field, value)


def _check_email(field: str, value: str, *, screen: bool) -> None:
    """A plain address (local@domain); screened for banned words when `screen`."""
    if not isinstance(value, str) or not _EMAIL.fullmatch(value):
        raise ValueError(f"{field} must be an email address like name@example.org")
    if screen:
        _screen(field, value)


def _check_url(field: str, value: str) -> None:
    """An http(s) page URL without credentials or banned words."""
    parts = urlsplit(value) if isinstance(value, str) else None
    if parts is None or parts.scheme not in ("http", "https") or not parts.netloc:
        raise ValueError(f"{field} must be an absolute http(s) URL")
    if _CONTROL.search(value) or any(c.isspace() for c in value):
        raise ValueError(f"{field} must not contain whitespace or control characters")
    lowered = value.casefold()
    if parts.username or parts.password or any(s in lowered for s in _URL_SECRETS):
        raise ValueError(f"{field} must not carry credentials or tokens")
    _screen(field, value)


def _screen(field: str, value: str) -> None:
    """Refuse a value containing any banned fragment, naming the fragments."""
    hits = clinical_words_in(value)
    if hits:
        raise ValueError(f"{field} contains words not allowed in invites: {', '.join(hits)}")
