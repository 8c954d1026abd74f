"""Video links and the caller's own calendar invite for an appointment."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.clock import utcnow
from app.directory.models import ClientProfile, TherapistProfile
from app.identity.models import Role
from app.identity.service import Principal
from scheduling.appointments.access import visible_appointment
from scheduling.appointments.models import Appointment, AppointmentStatus
from scheduling.exceptions import AppointmentNotFound, InvalidTransition
from scheduling.video.providers import Participant, VideoProvider, join_window

JOINABLE = frozenset({AppointmentStatus.BOOKED, AppointmentStatus.ARRIVED})


class NotJoinableYet(InvalidTransition):
    """The room opens later (or has closed)."""


@dataclass(frozen=True)
class JoinLink:
    """A personal, time-bound link into the appointment's video room."""

    url: str
    opens_at: datetime
    expires_at: datetime


def participant_of(
    principal: Principal, appointment: Appointment, *, session: Session
) -> Participant:
    """The caller as a participant; clinic admins see the appointment but may not join."""
    user = principal.user
    if principal.role is Role.THERAPIST:
        therapist = session.scalar(
            select(TherapistProfile).where(TherapistProfile.user_id == user.id)
        )
        if therapist is not None and therapist.id == appointment.therapist_id:
            return Participant(str(user.id), therapist.display_name, moderator=True)
    if principal.role is Role.CLIENT:
        client = session.scalar(select(ClientProfile).where(ClientProfile.user_id == user.id))
        if client is not None:
            return Participant(str(user.id), client.display_name, moderator=False)
    raise AppointmentNotFound("No appointment with this id among yours.")


def join_link(
    *, session: Session, principal: Principal, appointment_id: uuid.UUID, provider: VideoProvider
) -> JoinLink:
    """A link valid from 10 minutes before the start to 15 minutes after the end."""
    appointment = visible_appointment(principal, appointment_id, session=session)
    participant = participant_of(principal, appointment, session=session)
    if appointment.status not in JOINABLE:
        raise InvalidTransition(f"A {appointment.status.value} appointment cannot be joined.")
    opens_at, closes_at = join_window(appointment.starts_at, appointment.ends_at)
    now = utcnow()
    if now < opens_at:
        raise NotJoinableYet(
            f"The room opens at {opens_at.isoformat()}.",
            errors={"opens_at": [opens_at.isoformat()]},
        )
    if now > closes_at:
        raise NotJoinableYet("The room has closed.", errors={"closed_at": [closes_at.isoformat()]})
    url = provider.join_url(
        appointment.video_room, participant, not_before=opens_at, expires_at=closes_at
    )
    return JoinLink(url, opens_at, closes_at)
