"""Held, cancelled, late-cancelled and missed sessions, with rates, per therapist and clinic."""

from __future__ import annotations

from typing import Any

from sqlalchemy import and_, case, func, select
from sqlalchemy.orm import Session

from app.reporting.periods import within
from app.reporting.tables import Column, ReportQuery, ReportTable
from scheduling.appointments.models import Appointment, AppointmentKind, AppointmentStatus
from scheduling.reports.buckets import period_index
from scheduling.reports.common import CLINIC_ROW, rate, therapists_in_scope

ENDED = (
    AppointmentStatus.ARRIVED,
    AppointmentStatus.FULFILLED,
    AppointmentStatus.NOSHOW,
    AppointmentStatus.CANCELLED,
)
STAFF = ("therapist", "admin", "system")
COLUMNS = (
    Column("period", "Period", "date"),
    Column("therapist_id", "Therapist id", "text"),
    Column("therapist_name", "Therapist", "text"),
    Column("sessions", "Sessions", "count"),
    Column("fulfilled", "Held", "count"),
    Column("cancelled_by_client", "Cancelled by client", "count"),
    Column("cancelled_by_staff", "Cancelled by therapist or clinic", "count"),
    Column("late_cancellations", "Late cancellations", "count"),
    Column("no_shows", "No-shows", "count"),
    Column("fulfilled_rate", "Held rate", "ratio"),
    Column("late_cancellation_rate", "Late cancellation rate", "ratio"),
    Column("no_show_rate", "No-show rate", "ratio"),
)


def _count(condition: Any) -> Any:
    return func.sum(case((condition, 1), else_=0))


def attendance(query: ReportQuery, *, session: Session) -> ReportTable:
    """Per period: each therapist's sessions by outcome, then the clinic's, with rates."""
    bucket = period_index(Appointment.starts_at, query.periods)
    cancelled = Appointment.status == AppointmentStatus.CANCELLED
    figures = (
        func.count(),
        _count(Appointment.status.in_((AppointmentStatus.FULFILLED, AppointmentStatus.ARRIVED))),
        _count(and_(cancelled, Appointment.cancelled_by_role == "client")),
        _count(and_(cancelled, Appointment.cancelled_by_role.in_(STAFF))),
        _count(and_(cancelled, Appointment.late_cancellation.is_(True))),
        _count(Appointment.status == AppointmentStatus.NOSHOW),
    )
    therapists = therapists_in_scope(query, session=session)
    # therapist -> (place in name order, id as text, name); therapists come sorted by name.
    known = {t.id: (place, str(t.id), t.display_name) for place, t in enumerate(therapists)}
    statement = (
        select(bucket, Appointment.therapist_id, *figures)
        .where(
            Appointment.clinic_id == query.clinic_id,
            within(Appointment.starts_at, query.periods),
            Appointment.kind == AppointmentKind.INDIVIDUAL,
            Appointment.status.in_(ENDED),
            Appointment.therapist_id == query.therapist_id
            if query.therapist_id is not None
            else Appointment.therapist_id.is_not(None),
        )
        .group_by(bucket, Appointment.therapist_id)
    )
    # Clinic-wide, every appointment of the clinic is read (no list of ids to test each row
    # against); those of therapists no longer at the clinic are left out here.
    per_period: list[list[tuple[Any, ...]]] = [[] for _ in query.periods]
    for index, therapist_id, *counts in session.execute(statement):
        who = known.get(therapist_id)
        if who is not None:
            per_period[index].append((*who, [int(c) for c in counts]))
    rows: list[dict[str, object]] = []
    for period, found_in in zip(query.periods, per_period, strict=True):
        found_in.sort()
        for _, therapist_id, name, counts in found_in:
            rows.append(_row(period.label, therapist_id, name, counts))
        if query.therapist_id is None:
            totals = [sum(r[3][i] for r in found_in) for i in range(len(figures))]
            rows.append(_row(period.label, None, CLINIC_ROW, totals))
    return ReportTable("attendance", COLUMNS, rows)


def _row(period: str, therapist_id: str | None, name: str, counts: list[int]) -> dict[str, object]:
    sessions, fulfilled, by_client, by_staff, late, no_shows = counts
    return {
        "period": period,
        "therapist_id": therapist_id,
        "therapist_name": name,
        "sessions": sessions,
        "fulfilled": fulfilled,
        "cancelled_by_client": by_client,
        "cancelled_by_staff": by_staff,
        "late_cancellations": late,
        "no_shows": no_shows,
        "fulfilled_rate": rate(fulfilled, sessions),
        "late_cancellation_rate": rate(late, sessions),
        "no_show_rate": rate(no_shows, sessions),
    }
