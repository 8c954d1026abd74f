"""How long new clients wait: from their intake to a first booked and a first held session.

SQL reduces the appointments to one row per new client (their first booking and first held
session with the clinic or the therapist, and their latest intake before it); the median and
90th percentile are then taken over those per-client waits.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import case, func, select
from sqlalchemy.orm import Session

from app.directory.models import TherapistProfile
from app.reporting.tables import Column, ReportQuery, ReportTable
from matching.intake.models import Intake
from scheduling.appointments.models import Appointment, AppointmentKind, AppointmentStatus

CLINIC_ROW = "All therapists"
DAY = 86_400
COLUMNS = (
    Column("therapist_id", "Therapist id", "text"),
    Column("therapist_name", "Therapist", "text"),
    Column("new_clients", "New clients", "count"),
    Column("days_to_first_booking_median", "Days from intake to booking (median)", "ratio"),
    Column("days_to_first_booking_p90", "Days from intake to booking (90th percentile)", "ratio"),
    Column("days_to_first_attended_median", "Days from intake to first session (median)", "ratio"),
    Column("days_to_first_attended_p90", "Days from intake to first session (90th pct)", "ratio"),
)


def percentile(values: list[float], fraction: float) -> float | None:
    """Linear-interpolated percentile (PostgreSQL's percentile_cont), in days to 2 decimals."""
    if not values:
        return None
    ordered = sorted(values)
    position = fraction * (len(ordered) - 1)
    low = int(position)
    high = min(low + 1, len(ordered) - 1)
    value = ordered[low] + (ordered[high] - ordered[low]) * (position - low)
    return round(value / DAY, 2)


def _firsts(query: ReportQuery, per_therapist: bool) -> Any:
    """One row per new client (per therapist): first booking, first held session, intake."""
    keys = [Appointment.client_id] + ([Appointment.therapist_id] if per_therapist else [])
    held = case((Appointment.status == AppointmentStatus.FULFILLED, Appointment.starts_at))
    firsts = (
        select(
            *keys,
            func.min(Appointment.created_at).label("first_booked"),
            func.min(held).label("first_held"),
        )
        .where(
            Appointment.clinic_id == query.clinic_id,
            Appointment.kind == AppointmentKind.INDIVIDUAL,
            Appointment.client_id.is_not(None),
        )
        .group_by(*keys)
    )
    if query.therapist_id is not None:
        firsts = firsts.where(Appointment.therapist_id == query.therapist_id)
    firsts_table = firsts.subquery("firsts")
    intake_at = (
        select(func.max(Intake.created_at))
        .where(
            Intake.client_id == firsts_table.c.client_id,
            Intake.created_at <= firsts_table.c.first_booked,
        )
        .scalar_subquery()
    )
    columns = [firsts_table.c.therapist_id] if per_therapist else []
    return select(
        *columns, firsts_table.c.first_booked, firsts_table.c.first_held, intake_at.label("intake")
    ).where(
        firsts_table.c.first_booked >= query.periods[0].start,
        firsts_table.c.first_booked < query.periods[-1].end,
    )


def _row(therapist_id: str | None, name: str, waits: list[tuple[Any, ...]]) -> dict[str, object]:
    def seconds(later: datetime | None, intake: datetime | None) -> float | None:
        return (later - intake).total_seconds() if later and intake else None

    booked = [s for b, _, i in waits if (s := seconds(b, i)) is not None]
    held = [s for _, h, i in waits if (s := seconds(h, i)) is not None]
    return {
        "therapist_id": therapist_id,
        "therapist_name": name,
        "new_clients": len(waits),
        "days_to_first_booking_median": percentile(booked, 0.5),
        "days_to_first_booking_p90": percentile(booked, 0.9),
        "days_to_first_attended_median": percentile(held, 0.5),
        "days_to_first_attended_p90": percentile(held, 0.9),
    }


def access_times(query: ReportQuery, *, session: Session) -> ReportTable:
    """Per therapist, and for the clinic: new clients and their waits in days."""
    by_therapist: dict[uuid.UUID, list[tuple[Any, ...]]] = {}
    for therapist_id, *wait in session.execute(_firsts(query, per_therapist=True)):
        by_therapist.setdefault(therapist_id, []).append(tuple(wait))
    names = {
        row.id: row.display_name
        for row in session.execute(
            select(TherapistProfile.id, TherapistProfile.display_name).where(
                TherapistProfile.id.in_(by_therapist)
            )
        )
    }
    rows = [
        _row(str(therapist_id), names[therapist_id], waits)
        for therapist_id, waits in sorted(by_therapist.items(), key=lambda i: names[i[0]])
    ]
    if query.therapist_id is None:
        clinic_waits = [tuple(row) for row in session.execute(_firsts(query, per_therapist=False))]
        rows.append(_row(None, CLINIC_ROW, clinic_waits))
    return ReportTable("access", COLUMNS, rows)
