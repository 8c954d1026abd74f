"""Group sessions per period: seats filled and the waitlist."""

from __future__ import annotations

from sqlalchemy import case, func, select
from sqlalchemy.orm import Session

from app.clock import iso_utc
from app.directory.models import TherapistProfile
from app.reporting.periods import period_of, within
from app.reporting.tables import Column, ReportQuery, ReportTable
from scheduling.appointments.models import (
    Appointment,
    AppointmentKind,
    AppointmentStatus,
    EnrollmentStatus,
    GroupEnrollment,
)
from scheduling.reports.common import rate

COLUMNS = (
    Column("period", "Period", "date"),
    Column("session_id", "Group session id", "text"),
    Column("starts_at", "Starts (UTC)", "text"),
    Column("therapist_name", "Host", "text"),
    Column("capacity", "Seats", "count"),
    Column("enrolled", "Seated", "count"),
    Column("fill_rate", "Fill rate", "ratio"),
    Column("waitlisted", "Waitlist", "count"),
)


def group_fill(query: ReportQuery, *, session: Session) -> ReportTable:
    """Each group session that starts in the window and was not cancelled."""
    period = period_of(Appointment.starts_at, query.periods)
    seated = func.sum(case((GroupEnrollment.status == EnrollmentStatus.ENROLLED, 1), else_=0))
    waiting = func.sum(case((GroupEnrollment.status == EnrollmentStatus.WAITLISTED, 1), else_=0))
    statement = (
        select(
            period,
            Appointment.id,
            Appointment.starts_at,
            TherapistProfile.display_name,
            Appointment.capacity,
            seated,
            waiting,
        )
        .join(TherapistProfile, TherapistProfile.id == Appointment.therapist_id)
        .outerjoin(GroupEnrollment, GroupEnrollment.appointment_id == Appointment.id)
        .where(
            Appointment.clinic_id == query.clinic_id,
            within(Appointment.starts_at, query.periods),
            Appointment.kind == AppointmentKind.GROUP,
            Appointment.status != AppointmentStatus.CANCELLED,
        )
        .group_by(
            period,
            Appointment.id,
            Appointment.starts_at,
            TherapistProfile.display_name,
            Appointment.capacity,
        )
        .order_by(Appointment.starts_at)
    )
    if query.therapist_id is not None:
        statement = statement.where(Appointment.therapist_id == query.therapist_id)
    rows: list[dict[str, object]] = [
        {
            "period": label,
            "session_id": str(session_id),
            "starts_at": iso_utc(starts_at),
            "therapist_name": host,
            "capacity": capacity,
            "enrolled": int(enrolled or 0),
            "fill_rate": rate(int(enrolled or 0), capacity),
            "waitlisted": int(waitlisted or 0),
        }
        for label, session_id, starts_at, host, capacity, enrolled, waitlisted in session.execute(
            statement
        )
    ]
    return ReportTable("groups", COLUMNS, rows)
