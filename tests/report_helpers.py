"""Builders for the report tests: weekly hours, group sessions and intakes shown to therapists."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy.orm import Session

from app.clock import utcnow
from app.directory.models import ClientProfile, TherapistProfile
from matching.intake.models import Intake
from matching.matches.models import MatchExposure
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


def shown_intake(
    session: Session,
    client: ClientProfile,
    at: datetime,
    *,
    high_risk: bool = False,
    reports_risk: bool = False,
    shown: Sequence[TherapistProfile] = (),
) -> Intake:
    """An intake submitted at `at` whose matches showed `shown`, in that order."""
    row = Intake(
        client_id=client.id,
        created_at=at,
        jurisdiction="US-CA",
        timezone="America/Los_Angeles",
        concerns=["anxiety"],
        phq9_answers=[0] * 9,
        gad7_answers=[0] * 7,
        phq9_score=0,
        gad7_score=0,
        phq9_band="minimal",
        gad7_band="minimal",
        high_risk=high_risk,
        reports_risk=reports_risk,
        preferences={},
        payment={"method": "self_pay"},
        preferred_times=[],
    )
    session.add(row)
    session.flush()
    for rank, therapist in enumerate(shown, start=1):
        session.add(
            MatchExposure(
                intake_id=row.id,
                therapist_id=therapist.id,
                rank=rank,
                features={},
                model_version="test",
                shown_at=at,
            )
        )
    session.commit()
    return row
