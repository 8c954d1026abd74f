"""External busy time: a therapist's other calendars (URL feeds or uploaded files) block slots."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import icalendar
from sqlalchemy import delete, or_, select
from sqlalchemy.orm import Session

from app.clock import utcnow
from app.db.unit_of_work import unit_of_work
from app.directory.models import TherapistProfile
from app.directory.therapists import managed_therapist
from app.identity.service import Principal
from app.outbound.fetching import FetchRefused, parse_outbound_url
from scheduling.calendars.bounded import TooCostly, run_bounded
from scheduling.calendars.expansion import CalendarTooLarge, occurrences
from scheduling.calendars.models import ExternalBusy, ExternalCalendar, ExternalSource
from scheduling.exceptions import ExternalCalendarNotFound, InvalidAvailability
from scheduling.slots.engine import Interval

LOOK_BACK = timedelta(days=1)
LOOK_AHEAD = timedelta(days=400)
MAX_CALENDARS = 10
MAX_ERROR_LENGTH = 500


@dataclass(frozen=True)
class DueCalendar:
    """A URL calendar to fetch, and the therapist's zone for its floating times."""

    calendar_id: uuid.UUID
    url: str
    zone: str


class UnreadableCalendar(InvalidAvailability):
    """The calendar data is not valid iCalendar."""


def _instant(value: date | datetime, zone: ZoneInfo) -> datetime:
    if isinstance(value, datetime):
        return (value if value.tzinfo else value.replace(tzinfo=zone)).astimezone(UTC)
    return datetime.combine(value, time(0), tzinfo=zone).astimezone(UTC)  # all-day: local midnight


def busy_from_ics(data: bytes, *, zone: str, start: datetime, end: datetime) -> list[Interval]:
    """Busy intervals of every (expanded) event between two instants; transparent ones skipped.

    Parsing and expansion run in a child process bounded in CPU time and memory.
    """
    try:
        return run_bounded(_busy_intervals, data, zone, start, end)
    except TooCostly as exc:
        message = f"The calendar is too costly to read: {exc}"
        raise UnreadableCalendar(message, errors={"calendar": [message]}) from None


def _busy_intervals(data: bytes, zone: str, start: datetime, end: datetime) -> list[Interval]:
    try:
        calendar = icalendar.Calendar.from_ical(data)
        events = occurrences(calendar, zone=zone, start=start, end=end)
    except CalendarTooLarge as exc:
        raise UnreadableCalendar(str(exc), errors={"calendar": [str(exc)]}) from None
    except Exception as exc:  # the parsers raise many kinds of error on bad input
        raise UnreadableCalendar(
            "The calendar could not be read as iCalendar.", errors={"calendar": [str(exc)[:200]]}
        ) from exc
    tz = ZoneInfo(zone)
    busy = []
    for event in events:
        if str(event.get("TRANSP", "OPAQUE")).upper() == "TRANSPARENT":
            continue
        if str(event.get("STATUS", "")).upper() == "CANCELLED":
            continue
        begins = event.decoded("DTSTART")
        if "DTEND" in event:
            ends = event.decoded("DTEND")
        elif "DURATION" in event:
            ends = begins + event.decoded("DURATION")
        else:
            ends = begins + timedelta(days=1) if not isinstance(begins, datetime) else begins
        first, last = _instant(begins, tz), _instant(ends, tz)
        if last > first:
            busy.append((first, last))
    return sorted(busy)


def _store(session: Session, calendar: ExternalCalendar, busy: list[Interval]) -> None:
    session.execute(delete(ExternalBusy).where(ExternalBusy.calendar_id == calendar.id))
    session.add_all(
        ExternalBusy(
            calendar_id=calendar.id, therapist_id=calendar.therapist_id, starts_at=s, ends_at=e
        )
        for s, e in busy
    )
    calendar.busy_count = len(busy)
    calendar.last_success_at, calendar.last_error = utcnow(), None


def _window() -> tuple[datetime, datetime]:
    now = utcnow()
    return now - LOOK_BACK, now + LOOK_AHEAD


@unit_of_work
def add_calendar_url(
    *, session: Session, principal: Principal, therapist_id: uuid.UUID, url: str
) -> ExternalCalendar:
    """Subscribe to a calendar URL; the worker fetches it (first fetch within minutes)."""
    managed_therapist(principal, therapist_id, session=session)
    try:
        parse_outbound_url(url)  # what the worker would refuse is refused now, with the reason
    except FetchRefused as exc:
        raise InvalidAvailability(
            "The calendar URL cannot be used.", errors={"url": [str(exc)]}
        ) from None
    _check_limit(session, therapist_id)
    calendar = ExternalCalendar(
        therapist_id=therapist_id, source=ExternalSource.URL, url=url, created_at=utcnow()
    )
    session.add(calendar)
    return calendar


@unit_of_work
def upload_calendar(
    *, session: Session, principal: Principal, therapist_id: uuid.UUID, data: bytes
) -> ExternalCalendar:
    """Block the events of an uploaded .ics file."""
    therapist = managed_therapist(principal, therapist_id, session=session)
    _check_limit(session, therapist_id)
    start, end = _window()
    busy = busy_from_ics(data, zone=therapist.timezone, start=start, end=end)
    calendar = ExternalCalendar(
        therapist_id=therapist_id,
        source=ExternalSource.UPLOAD,
        created_at=utcnow(),
        last_attempt_at=utcnow(),
    )
    session.add(calendar)
    session.flush()
    _store(session, calendar, busy)
    return calendar


def _check_limit(session: Session, therapist_id: uuid.UUID) -> None:
    count = len(
        session.scalars(
            select(ExternalCalendar.id).where(ExternalCalendar.therapist_id == therapist_id)
        ).all()
    )
    if count >= MAX_CALENDARS:
        raise InvalidAvailability(f"At most {MAX_CALENDARS} external calendars per therapist.")


def list_calendars(
    *, session: Session, principal: Principal, therapist_id: uuid.UUID
) -> list[ExternalCalendar]:
    """The therapist's external calendars with their last error, if any."""
    managed_therapist(principal, therapist_id, session=session)
    return list(
        session.scalars(
            select(ExternalCalendar)
            .where(ExternalCalendar.therapist_id == therapist_id)
            .order_by(ExternalCalendar.created_at)
        )
    )


@unit_of_work
def remove_calendar(
    *, session: Session, principal: Principal, therapist_id: uuid.UUID, calendar_id: uuid.UUID
) -> None:
    """Stop using an external calendar; its busy time is freed."""
    managed_therapist(principal, therapist_id, session=session)
    calendar = session.get(ExternalCalendar, calendar_id)
    if calendar is None or calendar.therapist_id != therapist_id:
        raise ExternalCalendarNotFound("No such external calendar for this therapist.")
    session.execute(delete(ExternalBusy).where(ExternalBusy.calendar_id == calendar.id))
    session.delete(calendar)


def due_calendars(*, session: Session, every: timedelta) -> list[DueCalendar]:
    """URL calendars not tried within `every`, with what fetching them needs."""
    cutoff = utcnow() - every
    rows = session.execute(
        select(ExternalCalendar.id, ExternalCalendar.url, TherapistProfile.timezone)
        .join(TherapistProfile, TherapistProfile.id == ExternalCalendar.therapist_id)
        .where(
            ExternalCalendar.source == ExternalSource.URL,
            or_(
                ExternalCalendar.last_attempt_at.is_(None),
                ExternalCalendar.last_attempt_at < cutoff,
            ),
        )
    )
    return [DueCalendar(calendar_id, url or "", zone) for calendar_id, url, zone in rows]


def read_busy(calendar: DueCalendar, fetch: Callable[[str], bytes]) -> list[Interval] | str:
    """Fetch and parse a calendar (no lock held): its busy time, or why it could not be read."""
    try:
        start, end = _window()
        return busy_from_ics(fetch(calendar.url), zone=calendar.zone, start=start, end=end)
    except (FetchRefused, UnreadableCalendar) as exc:
        return getattr(exc, "message", None) or str(exc)


@unit_of_work
def record_refresh(
    *, session: Session, calendar_id: uuid.UUID, outcome: list[Interval] | str
) -> None:
    """Replace the busy time, or keep the last good data and note the error."""
    calendar = session.get(ExternalCalendar, calendar_id)
    if calendar is None:
        return  # removed while it was being fetched
    calendar.last_attempt_at = utcnow()
    if isinstance(outcome, str):
        calendar.last_error = outcome[:MAX_ERROR_LENGTH]
        return
    _store(session, calendar, outcome)
