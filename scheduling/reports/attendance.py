"""Held, cancelled, late-cancelled and missed sessions, with rates, per therapist and clinic."""

from __future__ import annotations

from typing import Any

from sqlalchemy import and_, case, func, select
from sqlalchemy.orm import Session

from app.reporting.periods import period_of, within
from app.reporting.tables import Column, ReportQuery, ReportTable
from scheduling.appointments.models import Appointment, AppointmentKind, AppointmentStatus
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
    bucket = period_of(Appointment.starts_at, query.periods)
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
    names = {t.id: t.display_name for t in therapists}
    statement = (
        select(bucket, Appointment.therapist_id, *figures)
        .where(
            Appointment.clinic_id == query.clinic_id,
            within(Appointment.starts_at, query.periods),
            Appointment.kind == AppointmentKind.INDIVIDUAL,
            Appointment.status.in_(ENDED),
            Appointment.therapist_id.in_(names),
        )
        .group_by(bucket, Appointment.therapist_id)
    )
    per_therapist: dict[str, list[tuple[Any, ...]]] = {}
    for label, therapist_id, *counts in session.execute(statement):
        per_therapist.setdefault(label, []).append((therapist_id, *map(int, counts)))
    rows: list[dict[str, object]] = []
    for period in query.periods:
        found = sorted(per_therapist.get(period.label, []), key=lambda r: names[r[0]])
        for therapist_id, *counts in found:
            rows.append(_row(period.label, str(therapist_id), names[therapist_id], counts))
        if query.therapist_id is None:
            totals = [sum(r[i + 1] for r in found) for i in range(len(figures))]
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
