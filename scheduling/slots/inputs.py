"""Load the slot engine's inputs from the database, for one or many therapists at once."""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Collection
from datetime import date, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.directory.models import TherapistProfile
from scheduling.appointments.models import Appointment, reserves_time
from scheduling.availability.models import AvailabilityOverride, AvailabilityRule, TimeOff
from scheduling.calendars.models import ExternalBusy
from scheduling.slots.engine import Availability, Interval, MinuteRange

# Buffers reach this far outside a window at most; busy time is loaded with this margin.
BUSY_MARGIN = timedelta(days=1)


def availabilities(
    therapists: Collection[TherapistProfile], *, session: Session, start: date, end: date
) -> dict[uuid.UUID, Availability]:
    """Weekly rules and the overrides between two local dates, per therapist (two queries)."""
    ids = [t.id for t in therapists]
    weekly: dict[uuid.UUID, dict[int, list[MinuteRange]]] = defaultdict(lambda: defaultdict(list))
    zones = {t.id: t.timezone for t in therapists}
    for rule in session.scalars(
        select(AvailabilityRule).where(AvailabilityRule.therapist_id.in_(ids))
    ):
        weekly[rule.therapist_id][rule.weekday].append((rule.start_minute, rule.end_minute))
        zones[rule.therapist_id] = rule.timezone
    overrides: dict[uuid.UUID, dict[date, list[MinuteRange]]] = defaultdict(dict)
    for row in session.scalars(
        select(AvailabilityOverride).where(
            AvailabilityOverride.therapist_id.in_(ids),
            AvailabilityOverride.on_date.between(
                start - timedelta(days=2), end + timedelta(days=2)
            ),
        )
    ):
        day = overrides[row.therapist_id].setdefault(row.on_date, [])
        if row.start_minute is not None and row.end_minute is not None:
            day.append((row.start_minute, row.end_minute))
    return {
        therapist_id: Availability(
            zones[therapist_id],
            dict(weekly.get(therapist_id, {})),
            overrides.get(therapist_id, {}),
        )
        for therapist_id in ids
    }


def busy_intervals(
    therapist_ids: Collection[uuid.UUID],
    *,
    session: Session,
    start: datetime,
    end: datetime,
    now: datetime,
    ignore_appointment: uuid.UUID | None = None,
) -> dict[uuid.UUID, list[Interval]]:
    """Reserved blocks (unexpired holds included), time off and external busy time."""
    start, end = start - BUSY_MARGIN, end + BUSY_MARGIN
    busy: dict[uuid.UUID, list[Interval]] = defaultdict(list)
    query = select(
        Appointment.therapist_id, Appointment.block_starts_at, Appointment.block_ends_at
    ).where(
        Appointment.therapist_id.in_(therapist_ids),
        Appointment.block_starts_at < end,
        Appointment.block_ends_at > start,
        reserves_time(now),
    )
    if ignore_appointment is not None:
        query = query.where(Appointment.id != ignore_appointment)
    for therapist_id, block_start, block_end in session.execute(query):
        busy[therapist_id].append((block_start, block_end))
    for model in (TimeOff, ExternalBusy):
        for therapist_id, off_start, off_end in session.execute(
            select(model.therapist_id, model.starts_at, model.ends_at).where(
                model.therapist_id.in_(therapist_ids),
                model.starts_at < end,
                model.ends_at > start,
            )
        ):
            busy[therapist_id].append((off_start, off_end))
    return busy
