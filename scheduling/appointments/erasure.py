"""The `account.erased` handler: a deleted client's future plans end, and the therapist is told.

The platform erases the person (profile scrubbed, queued mail dropped) and records
`account.erased`; here, in the worker's unit of work, every upcoming appointment of that client
is cancelled as cancelled by the client (never late: no fee follows an erasure), the therapist
gets the usual `appointment.changed` cancellation, and the client gives up every group seat or
waitlist place (the first waiting takes a freed seat) and leaves their support groups (the alias
replaced). The history stays, as records must, but free text the client wrote in it is removed.
"""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from app.clock import utcnow
from app.identity.models import Role
from app.outbox.models import OutboxMessage
from scheduling.appointments.events import appointment_changed, status_changed
from scheduling.appointments.lifecycle import mark_cancelled
from scheduling.appointments.models import (
    Appointment,
    AppointmentEvent,
    AppointmentStatus,
    EnrollmentStatus,
    GroupEnrollment,
)
from scheduling.groups.service import give_up_place
from scheduling.support_groups.erasure import forget_member

UPCOMING = (AppointmentStatus.PENDING, AppointmentStatus.BOOKED)


def erase_client_plans(message: OutboxMessage, *, session: Session) -> None:
    """Cancel the client's upcoming appointments, leave their groups, drop their free text."""
    client_id = uuid.UUID(message.payload["client_id"])
    user_id = uuid.UUID(message.payload["user_id"])
    now = utcnow()
    upcoming = session.scalars(
        select(Appointment)
        .where(
            Appointment.client_id == client_id,
            Appointment.status.in_(UPCOMING),
            Appointment.starts_at > now,
        )
        .order_by(Appointment.starts_at)
        .with_for_update()
    ).all()
    for appointment in upcoming:
        was_announced = appointment.status is AppointmentStatus.BOOKED
        mark_cancelled(
            appointment, actor_id=user_id, role=Role.CLIENT, reason=None, now=now, late=False
        )
        status_changed(appointment, session=session)
        if was_announced:
            appointment_changed(appointment, "cancelled", session=session)
    _leave_groups(session, client_id, now)
    forget_member(session, client_id, now)
    _scrub_free_text(session, client_id, user_id)


def _leave_groups(session: Session, client_id: uuid.UUID, now: datetime) -> None:
    places = session.execute(
        select(GroupEnrollment, Appointment)
        .join(Appointment, Appointment.id == GroupEnrollment.appointment_id)
        .where(
            GroupEnrollment.client_id == client_id,
            GroupEnrollment.status != EnrollmentStatus.LEFT,
            Appointment.status == AppointmentStatus.BOOKED,
            Appointment.starts_at > now,
        )
        .with_for_update(of=GroupEnrollment)
    ).all()
    for enrollment, group in places:
        give_up_place(group, enrollment, session=session, now=now)


def _scrub_free_text(session: Session, client_id: uuid.UUID, user_id: uuid.UUID) -> None:
    session.execute(
        update(Appointment)
        .where(Appointment.client_id == client_id, Appointment.cancelled_by_role == "client")
        .values(cancellation_reason=None)
        .execution_options(synchronize_session=False)
    )
    session.execute(
        update(AppointmentEvent)
        .where(AppointmentEvent.actor_user_id == user_id)
        .values(reason=None)
        .execution_options(synchronize_session=False)
    )
