"""The care funnel: intakes shown the clinic, bookings within 14 days, first and third sessions.

Counts are outcome breakdowns, so the API shows 1 to 4 as "<5". Crisis intakes among them are
counted with how fast their alert reached the clinic (queued -> delivered by the outbox).
"""

from __future__ import annotations

import statistics
from datetime import timedelta
from typing import Any

from sqlalchemy import and_, case, exists, func, or_, select
from sqlalchemy.orm import Session

from app.directory.models import TherapistProfile
from app.outbox.models import OutboxMessage
from app.reporting.sql import days_between
from app.reporting.tables import Column, ReportQuery, ReportTable
from matching.intake.models import Intake
from matching.matches.models import MatchExposure
from scheduling.appointments.models import Appointment, AppointmentKind, AppointmentStatus

BOOKING_WINDOW = timedelta(days=14)
COLUMNS = (
    Column("step", "Step", "text"),
    Column("label", "What", "text"),
    Column("count", "Count", "count", small_counts_hidden=True),
    Column("rate_from_previous", "Share of the step before", "ratio"),
)
STEPS = (
    ("intakes", "Intakes shown this clinic's therapists"),
    ("booked_within_14_days", "Booked within 14 days"),
    ("attended_first", "Attended a first session"),
    ("attended_three", "Attended three sessions"),
)


def _with_clinic(query: ReportQuery) -> list[Any]:
    conditions = [
        Appointment.clinic_id == query.clinic_id,
        Appointment.kind == AppointmentKind.INDIVIDUAL,
        Appointment.client_id == Intake.client_id,
        Appointment.created_at >= Intake.created_at,
    ]
    if query.therapist_id is not None:
        conditions.append(Appointment.therapist_id == query.therapist_id)
    return conditions


def _counts(query: ReportQuery, *, session: Session) -> tuple[list[int], list[str]]:
    """The four step counts, and the ids of the crisis intakes among the first step."""
    exposed_to = select(TherapistProfile.id).where(TherapistProfile.clinic_id == query.clinic_id)
    if query.therapist_id is not None:
        exposed_to = exposed_to.where(TherapistProfile.id == query.therapist_id)
    was_shown = exists().where(
        MatchExposure.intake_id == Intake.id, MatchExposure.therapist_id.in_(exposed_to)
    )
    # One row per intake: did the client book with the clinic within 14 days, how many sessions
    # were held after it (a join grouped by intake, so the appointments are read once).
    recent = days_between(Appointment.created_at, Intake.created_at) < BOOKING_WINDOW.days
    per_intake = (
        select(
            Intake.id,
            func.max(case((recent, 1), else_=0)).label("booked"),
            func.sum(case((Appointment.status == AppointmentStatus.FULFILLED, 1), else_=0)).label(
                "held"
            ),
        )
        .select_from(Intake)
        .outerjoin(Appointment, and_(*_with_clinic(query)))
        .where(
            Intake.created_at >= query.periods[0].start,
            Intake.created_at < query.periods[-1].end,
            was_shown,
        )
        .group_by(Intake.id)
        .subquery("per_intake")
    )
    held = func.coalesce(per_intake.c.held, 0)
    statement = select(
        func.count(),
        func.sum(per_intake.c.booked),
        func.sum(case((held >= 1, 1), else_=0)),
        func.sum(case((held >= 3, 1), else_=0)),
    )
    counts = [int(value or 0) for value in session.execute(statement).one()]
    crisis = session.scalars(
        select(Intake.id).where(
            Intake.created_at >= query.periods[0].start,
            Intake.created_at < query.periods[-1].end,
            was_shown,
            or_(Intake.high_risk.is_(True), Intake.reports_risk.is_(True)),
        )
    ).all()
    return counts, [str(intake_id) for intake_id in crisis]


def _alert_minutes(intake_ids: list[str], *, session: Session) -> float | None:
    """Median minutes from a crisis alert being queued to its delivery."""
    keys = [f"crisis-intake:{intake_id}" for intake_id in intake_ids]
    if not keys:
        return None
    delivered = session.execute(
        select(OutboxMessage.created_at, OutboxMessage.sent_at).where(
            and_(OutboxMessage.dedupe_key.in_(keys), OutboxMessage.sent_at.is_not(None))
        )
    ).all()
    minutes = [(sent - queued).total_seconds() / 60 for queued, sent in delivered if sent]
    return round(statistics.median(minutes), 1) if minutes else None


def funnel(query: ReportQuery, *, session: Session) -> ReportTable:
    """The steps with counts and the share kept from the step before; then crisis figures."""
    counts, crisis = _counts(query, session=session)
    rows: list[dict[str, object]] = []
    previous: int | None = None
    for (step, label), count in zip(STEPS, counts, strict=True):
        kept = round(count / previous, 4) if previous else None
        rows.append({"step": step, "label": label, "count": count, "rate_from_previous": kept})
        previous = count
    rows.append(
        {
            "step": "crisis_intakes",
            "label": "Crisis intakes among them",
            "count": len(crisis),
            "rate_from_previous": round(len(crisis) / counts[0], 4) if counts[0] else None,
        }
    )
    notes = []
    median = _alert_minutes(crisis, session=session)
    notes.append(
        "Crisis alerts: "
        + (
            f"median {median} minutes from intake to delivery."
            if median is not None
            else "none delivered in this window."
        )
    )
    return ReportTable("funnel", COLUMNS, rows, notes=notes)
