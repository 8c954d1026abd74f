"""Builders for the scheduling report tests: weekly hours and group sessions placed directly."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy.orm import Session

from app.clock import utcnow
from app.directory.models import ClientProfile, TherapistProfile
from scheduling.appointments.models import (
    Appointment,
    AppointmentKind,
    AppointmentStatus,
    EnrollmentStatus,
    GroupEnrollment,
)
from scheduling.availability.models import AvailabilityRule
from scheduling.session_types.models import SessionType


def weekly(
    session: Session,
    therapist: TherapistProfile,
    weekday: int,
    start: str,
    end: str,
    zone: str | None = None,
) -> None:
    """A weekly rule from "HH:MM" to "HH:MM" ("24:00" is midnight at the day's end)."""

    def minutes(clock: str) -> int:
        hours, minutes = clock.split(":")
        return int(hours) * 60 + int(minutes)

    session.add(
        AvailabilityRule(
            therapist_id=therapist.id,
            timezone=zone or therapist.timezone,
            weekday=weekday,
            start_minute=minutes(start),
            end_minute=minutes(end),
        )
    )
    session.commit()


def group_session(
    session: Session,
    therapist: TherapistProfile,
    session_type: SessionType,
    *,
    starts_at: datetime,
    minutes: int = 90,
    capacity: int = 4,
    status: AppointmentStatus = AppointmentStatus.BOOKED,
    members: Sequence[tuple[ClientProfile, EnrollmentStatus]] = (),
    **fields: Any,
) -> Appointment:
    """A group session placed directly, with its enrollments."""
    ends_at = starts_at + timedelta(minutes=minutes)
    group = Appointment(
        clinic_id=fields.pop("clinic_id", therapist.clinic_id),
        therapist_id=therapist.id,
        client_id=None,
        session_type_id=session_type.id,
        kind=AppointmentKind.GROUP,
        capacity=capacity,
        status=status,
        starts_at=starts_at,
        ends_at=ends_at,
        block_starts_at=starts_at,
        block_ends_at=ends_at,
        created_by_id=therapist.user_id,
        status_changed_at=utcnow(),
        **fields,
    )
    session.add(group)
    session.flush()
    for client, enrollment in members:
        session.add(
            GroupEnrollment(
                appointment_id=group.id, client_id=client.id, status=enrollment, queued_at=utcnow()
            )
        )
    session.commit()
    return group
