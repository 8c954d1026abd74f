"""Use cases for a therapist's weekly hours, date overrides and time off."""

from __future__ import annotations

import itertools
import uuid
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from app.db.unit_of_work import unit_of_work
from app.directory.therapists import get_therapist, managed_therapist
from app.identity.service import Principal
from app.preconditions import Precondition, unconditional
from app.vocabularies import WEEKDAYS
from scheduling.availability.models import AvailabilityOverride, AvailabilityRule, TimeOff
from scheduling.exceptions import InvalidAvailability, TimeOffNotFound


@dataclass(frozen=True)
class WeeklyHours:
    """The whole availability of a therapist, as PUT and GET exchange it."""

    timezone: str
    weekly: list[dict[str, Any]]  # {weekday, start_minute, end_minute}
    overrides: list[dict[str, Any]]  # {date, intervals: [{start_minute, end_minute}]}


def _clock(minute: int) -> str:
    return f"{minute // 60:02d}:{minute % 60:02d}"


def _check_no_overlap(label: str, intervals: list[tuple[int, int]]) -> None:
    ordered = sorted(intervals)
    for (start, end), (next_start, next_end) in itertools.pairwise(ordered):
        if next_start < end:
            raise InvalidAvailability(
                f"Intervals overlap on {label}.",
                errors={
                    label: [
                        f"{_clock(start)}-{_clock(end)} overlaps "
                        f"{_clock(next_start)}-{_clock(next_end)}."
                    ]
                },
            )


def _check_interval(label: str, start: int, end: int) -> None:
    if start >= end:
        raise InvalidAvailability(
            f"An interval on {label} ends before it starts.",
            errors={label: [f"{_clock(start)}-{_clock(end)} ends before it starts."]},
        )


def get_availability(therapist_id: uuid.UUID, *, session: Session) -> WeeklyHours:
    """Return a therapist's weekly hours and overrides (public: slots derive from them)."""
    therapist = get_therapist(therapist_id, session=session)
    rules = session.scalars(
        select(AvailabilityRule)
        .where(AvailabilityRule.therapist_id == therapist_id)
        .order_by(AvailabilityRule.weekday, AvailabilityRule.start_minute)
    ).all()
    overrides: dict[date, list[dict[str, int | None]]] = {}
    for row in session.scalars(
        select(AvailabilityOverride)
        .where(AvailabilityOverride.therapist_id == therapist_id)
        .order_by(AvailabilityOverride.on_date, AvailabilityOverride.start_minute)
    ):
        day = overrides.setdefault(row.on_date, [])
        if row.start_minute is not None:
            day.append({"start_minute": row.start_minute, "end_minute": row.end_minute})
    return WeeklyHours(
        timezone=rules[0].timezone if rules else therapist.timezone,
        weekly=[
            {
                "weekday": WEEKDAYS[r.weekday],
                "start_minute": r.start_minute,
                "end_minute": r.end_minute,
            }
            for r in rules
        ],
        overrides=[{"date": d, "intervals": i} for d, i in sorted(overrides.items())],
    )


@unit_of_work
def replace_availability(
    *,
    session: Session,
    principal: Principal,
    therapist_id: uuid.UUID,
    hours: WeeklyHours,
    precondition: Precondition = unconditional,
) -> WeeklyHours:
    """Replace the whole availability at once, after checking every interval."""
    managed_therapist(principal, therapist_id, session=session, for_update=True)
    precondition(get_availability(therapist_id, session=session))
    by_day: dict[str, list[tuple[int, int]]] = {}
    for item in hours.weekly:
        _check_interval(item["weekday"], item["start_minute"], item["end_minute"])
        by_day.setdefault(item["weekday"], []).append((item["start_minute"], item["end_minute"]))
    for weekday, intervals in by_day.items():
        _check_no_overlap(weekday, intervals)
    seen_dates: set[date] = set()
    for override in hours.overrides:
        label = override["date"].isoformat()
        if override["date"] in seen_dates:
            raise InvalidAvailability(
                f"{label} is listed twice.", errors={label: ["Listed twice."]}
            )
        seen_dates.add(override["date"])
        spans = [(i["start_minute"], i["end_minute"]) for i in override["intervals"]]
        for start, end in spans:
            _check_interval(label, start, end)
        _check_no_overlap(label, spans)

    session.execute(delete(AvailabilityRule).where(AvailabilityRule.therapist_id == therapist_id))
    session.execute(
        delete(AvailabilityOverride).where(AvailabilityOverride.therapist_id == therapist_id)
    )
    session.add_all(
        AvailabilityRule(
            therapist_id=therapist_id,
            timezone=hours.timezone,
            weekday=WEEKDAYS.index(item["weekday"]),
            start_minute=item["start_minute"],
            end_minute=item["end_minute"],
        )
        for item in hours.weekly
    )
    for override in hours.overrides:
        # No intervals: the therapist is off that whole day.
        blocks: list[dict[str, int | None]] = override["intervals"] or [
            {"start_minute": None, "end_minute": None}
        ]
        session.add_all(
            AvailabilityOverride(therapist_id=therapist_id, on_date=override["date"], **span)
            for span in blocks
        )
    return get_availability(therapist_id, session=session)


def list_time_off(
    *, session: Session, principal: Principal, therapist_id: uuid.UUID
) -> list[TimeOff]:
    """The therapist's time off, earliest first (therapist or clinic admin)."""
    managed_therapist(principal, therapist_id, session=session)
    return list(
        session.scalars(
            select(TimeOff).where(TimeOff.therapist_id == therapist_id).order_by(TimeOff.starts_at)
        )
    )


@unit_of_work
def add_time_off(
    *,
    session: Session,
    principal: Principal,
    therapist_id: uuid.UUID,
    starts_at: datetime,
    ends_at: datetime,
    note: str | None = None,
) -> TimeOff:
    """Block a range of time (existing appointments are kept; cancel them separately)."""
    managed_therapist(principal, therapist_id, session=session)
    if starts_at >= ends_at:
        raise InvalidAvailability(
            "Time off must end after it starts.", errors={"ends_at": ["Must be after starts_at."]}
        )
    entry = TimeOff(therapist_id=therapist_id, starts_at=starts_at, ends_at=ends_at, note=note)
    session.add(entry)
    return entry


@unit_of_work
def remove_time_off(
    *, session: Session, principal: Principal, therapist_id: uuid.UUID, time_off_id: uuid.UUID
) -> None:
    """Delete one time off entry."""
    managed_therapist(principal, therapist_id, session=session)
    entry = session.get(TimeOff, time_off_id)
    if entry is None or entry.therapist_id != therapist_id:
        raise TimeOffNotFound("No such time off for this therapist.")
    session.delete(entry)
