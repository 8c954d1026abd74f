"""Free slots: for one therapist and session type, or the next few for many therapists."""

from __future__ import annotations

import uuid
from collections.abc import Collection
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session

from app.directory.models import TherapistProfile
from app.directory.therapists import get_therapist
from scheduling.exceptions import InvalidWindow
from scheduling.session_types.service import (
    default_session_types,
    offered_session_type,
    slot_policy,
)
from scheduling.slots.engine import bookable_starts
from scheduling.slots.inputs import availabilities, busy_intervals

MAX_WINDOW = timedelta(days=62)
# Windows lie well inside datetime's range, so zone conversions and padding cannot overflow.
EARLIEST_WINDOW_START = datetime(1900, 1, 1, tzinfo=UTC)
LATEST_WINDOW_END = datetime(2201, 1, 1, tzinfo=UTC)


def check_window(start: datetime, end: datetime, *, longest: timedelta = MAX_WINDOW) -> None:
    """Refuse inverted, overlong or out-of-range windows."""
    if start < EARLIEST_WINDOW_START or end > LATEST_WINDOW_END:
        raise InvalidWindow(
            "The window must lie between the years 1900 and 2200.",
            errors={"start": ["Must be between the years 1900 and 2200."]},
        )
    if start >= end:
        raise InvalidWindow(
            "The window must end after it starts.", errors={"end": ["Must be after start."]}
        )
    if end - start > longest:
        raise InvalidWindow(
            f"The window may span at most {longest.days} days.",
            errors={"end": [f"At most {longest.days} days after start."]},
        )


@dataclass(frozen=True)
class SlotList:
    """Bookable slots, rendered in the zone the caller asked for."""

    therapist_id: uuid.UUID
    session_type_id: uuid.UUID
    timezone: str
    slots: list[dict[str, datetime]]


def list_slots(
    *,
    session: Session,
    therapist_id: uuid.UUID,
    session_type_id: uuid.UUID,
    start: datetime,
    end: datetime,
    now: datetime,
    display_zone: str = "UTC",
) -> SlotList:
    """Bookable slots of one session type with one therapist in the window."""
    check_window(start, end)
    therapist = get_therapist(therapist_id, session=session)
    session_type = offered_session_type(therapist, session_type_id, session=session)
    availability = availabilities([therapist], session=session, start=start.date(), end=end.date())
    busy = busy_intervals([therapist.id], session=session, start=start, end=end, now=now)
    policy = slot_policy(session_type)
    starts = bookable_starts(
        availability[therapist.id],
        policy,
        busy.get(therapist.id, []),
        window_start=start,
        window_end=end,
        now=now,
    )
    zone = ZoneInfo(display_zone)
    return SlotList(
        therapist.id,
        session_type.id,
        display_zone,
        [
            {"start": s.astimezone(zone), "end": (s + policy.duration).astimezone(zone)}
            for s in starts
        ],
    )


def next_free_slots(
    therapists: Collection[TherapistProfile],
    *,
    session: Session,
    start: datetime,
    end: datetime,
    per_therapist: int,
    now: datetime,
) -> dict[uuid.UUID, list[datetime]]:
    """The first free slots of each therapist's default session type, in a fixed few queries."""
    check_window(start, end)
    types = default_session_types(therapists, session=session)
    bookable = [t for t in therapists if t.id in types]
    availability = availabilities(bookable, session=session, start=start.date(), end=end.date())
    busy = busy_intervals([t.id for t in bookable], session=session, start=start, end=end, now=now)
    return {
        therapist.id: bookable_starts(
            availability[therapist.id],
            slot_policy(types[therapist.id]),
            busy.get(therapist.id, []),
            window_start=start,
            window_end=end,
            now=now,
            limit=per_therapist,
        )
        for therapist in bookable
    }
