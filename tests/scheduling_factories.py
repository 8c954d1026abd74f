"""Builders for scheduling test data."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy.orm import Session

from app.clock import utcnow
from app.directory.models import ClientProfile, TherapistProfile
from scheduling.appointments.models import Appointment, AppointmentKind, AppointmentStatus
from scheduling.availability.models import AvailabilityRule
from scheduling.session_types.models import SessionType

EVERY_DAY = range(7)


def make_session_type(session: Session, therapist: TherapistProfile, **fields: Any) -> SessionType:
    """A 50-minute hourly video session with no notice, unless told otherwise."""
    values = {
        "name": "Individual session",
        "duration_minutes": 50,
        "buffer_before_minutes": 0,
        "buffer_after_minutes": 10,
        "min_notice_minutes": 0,
        "horizon_days": 90,
        "slot_step_minutes": 60,
        "format": "video",
        "requires_approval": False,
        "is_group": False,
        "capacity": 1,
        "active": True,
    }
    values.update(fields)
    session_type = SessionType(clinic_id=therapist.clinic_id, therapist_id=therapist.id, **values)
    session.add(session_type)
    session.commit()
    return session_type


def open_hours(
    session: Session,
    therapist: TherapistProfile,
    *,
    zone: str = "UTC",
    start_hour: int = 8,
    end_hour: int = 20,
    weekdays: Any = EVERY_DAY,
) -> None:
    """Give the therapist the same hours on the given weekdays."""
    for weekday in weekdays:
        session.add(
            AvailabilityRule(
                therapist_id=therapist.id,
                timezone=zone,
                weekday=weekday,
                start_minute=start_hour * 60,
                end_minute=end_hour * 60,
            )
        )
    session.commit()


def future_hour(days: int = 3, hour: int = 10) -> datetime:
    """A UTC instant on the hour, some days from now."""
    day = (utcnow() + timedelta(days=days)).date()
    return datetime(day.year, day.month, day.day, hour, tzinfo=UTC)


def iso(instant: datetime) -> str:
    """ISO 8601 as the API writes it: UTC with Z (any other offset kept)."""
    text = instant.isoformat()
    return text.removesuffix("+00:00") + "Z" if text.endswith("+00:00") else text


def past_appointment(
    session: Session,
    therapist: TherapistProfile,
    client: ClientProfile,
    session_type: SessionType,
    *,
    starts_at: datetime,
    status: AppointmentStatus = AppointmentStatus.BOOKED,
    commit: bool = True,
    **fields: Any,
) -> Appointment:
    """An appointment placed directly (for times the booking path refuses, like the past)."""
    appointment = Appointment(
        clinic_id=therapist.clinic_id,
        therapist_id=therapist.id,
        client_id=client.id,
        session_type_id=session_type.id,
        kind=AppointmentKind.INDIVIDUAL,
        status=status,
        starts_at=starts_at,
        ends_at=starts_at + timedelta(minutes=50),
        block_starts_at=starts_at,
        block_ends_at=starts_at + timedelta(minutes=60),
        created_by_id=client.user_id,
        status_changed_at=utcnow(),
        **fields,
    )
    session.add(appointment)
    if commit:
        session.commit()
    return appointment
