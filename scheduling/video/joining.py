"""Video links and the caller's own calendar invite for an appointment."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.clock import iso_utc, utcnow
from app.db.unit_of_work import unit_of_work
from app.directory.models import ClientProfile, TherapistProfile
from app.identity.models import Role
from app.identity.service import Principal
from scheduling.appointments.access import visible_appointment
from scheduling.appointments.audit import audit_appointment_read
from scheduling.appointments.models import (
    Appointment,
    AppointmentKind,
    AppointmentStatus,
    EnrollmentStatus,
    GroupEnrollment,
)
from scheduling.calendars.ics import one_line
from scheduling.exceptions import AppointmentNotFound, InvalidTransition
from scheduling.support_groups.roster import member_of
from scheduling.video.providers import Participant, VideoProvider, join_window, token_expiry

JOINABLE = frozenset({AppointmentStatus.BOOKED, AppointmentStatus.ARRIVED})
ANONYMOUS = "Participant"


class NotJoinableYet(InvalidTransition):
    """The room opens later (or has closed)."""


@dataclass(frozen=True)
class JoinLink:
    """A personal, time-bound link into the appointment's video room."""

    url: str
    opens_at: datetime
    expires_at: datetime


class NotSeated(InvalidTransition):
    """A waitlisted group member: not a participant until they get a seat."""


def participant_of(
    principal: Principal, appointment: Appointment, *, session: Session
) -> Participant:
    """The caller as a participant: the therapist (a group's host), the client, or a member
    with a seat. Clinic admins see the appointment but may not join; a waitlisted member is told
    so (409); anyone else, such as a member who left, does not see it (404)."""
    user = principal.user
    if principal.role is Role.THERAPIST:
        therapist = session.scalar(
            select(TherapistProfile).where(TherapistProfile.user_id == user.id)
        )
        if therapist is not None and therapist.id == appointment.therapist_id:
            return Participant(str(user.id), _shown(therapist.display_name), moderator=True)
    if principal.role is Role.CLIENT:
        client = session.scalar(select(ClientProfile).where(ClientProfile.user_id == user.id))
        if client is not None and _takes_part(client.id, appointment, session=session):
            if appointment.support_group_id is None:
                return Participant(str(user.id), _shown(client.display_name), moderator=False)
            member = member_of(session, appointment.support_group_id, client.id)
            return Participant(  # members see each other by alias; the host's mute goes along
                str(user.id),
                _shown(member.alias if member else ANONYMOUS),
                moderator=False,
                muted=member is not None and member.muted_at is not None,
            )
    raise AppointmentNotFound("No appointment with this id among yours.")


def _takes_part(client_id: uuid.UUID, appointment: Appointment, *, session: Session) -> bool:
    """Whether the client is the appointment's client or has a seat in the group."""
    if appointment.kind is not AppointmentKind.GROUP:
        return appointment.client_id == client_id
    status = session.scalar(
        select(GroupEnrollment.status).where(
            GroupEnrollment.appointment_id == appointment.id,
            GroupEnrollment.client_id == client_id,
            GroupEnrollment.status != EnrollmentStatus.LEFT,
        )
    )
    if status is EnrollmentStatus.WAITLISTED:
        raise NotSeated(
            "You are on the waitlist of this group session: its invite and video link "
            "come when you get a seat."
        )
    return status is EnrollmentStatus.ENROLLED


def _shown(display_name: str) -> str:
    """The name others see in the room: one line, never blank."""
    return one_line(display_name) or ANONYMOUS


@unit_of_work
def join_link(
    *,
    session: Session,
    principal: Principal,
    appointment_id: uuid.UUID,
    provider: VideoProvider,
    origin: str | None = None,
) -> JoinLink:
    """A link for the caller, asked for from 10 minutes before the start to 15 minutes after
    the end; its token lives a few minutes (JOIN_TOKEN_LIFETIME), so it dies soon after the
    appointment is cancelled or the member leaves: joining again asks for a new link."""
    appointment = visible_appointment(principal, appointment_id, session=session)
    participant = participant_of(principal, appointment, session=session)
    audit_appointment_read(
        session=session, actor_id=principal.user.id, appointment=appointment, action="join"
    )
    if appointment.status not in JOINABLE:
        raise InvalidTransition(f"A {appointment.status.value} appointment cannot be joined.")
    opens_at, closes_at = join_window(appointment.starts_at, appointment.ends_at)
    now = utcnow()
    if now < opens_at:
        raise NotJoinableYet(
            f"The room opens at {iso_utc(opens_at)}.",
            errors={"opens_at": [iso_utc(opens_at)]},
        )
    if now > closes_at:
        raise NotJoinableYet("The room has closed.", errors={"closed_at": [iso_utc(closes_at)]})
    expires_at = token_expiry(now, closes_at)
    url = provider.join_url(
        appointment.video_room,
        participant,
        not_before=opens_at,
        expires_at=expires_at,
        origin=origin,
    )
    return JoinLink(url, opens_at, expires_at)
