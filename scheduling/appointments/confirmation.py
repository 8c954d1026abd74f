"""Deciding a pending appointment: the client confirms a hold; staff approve or decline requests."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy.orm import Session

from app.clock import utcnow
from app.db.unit_of_work import unit_of_work
from app.identity.models import Role
from app.identity.service import Principal
from scheduling.appointments.access import visible_appointment
from scheduling.appointments.checks import check_still_free
from scheduling.appointments.events import appointment_changed, status_changed
from scheduling.appointments.history import set_status
from scheduling.appointments.models import Appointment, AppointmentStatus, PendingReason
from scheduling.exceptions import InvalidTransition
from scheduling.session_types.models import SessionType


@unit_of_work
def confirm(*, session: Session, principal: Principal, appointment_id: uuid.UUID) -> Appointment:
    """The client confirms their hold; the therapist (or admin) approves a request."""
    now = utcnow()
    appointment = visible_appointment(principal, appointment_id, session=session, lock=True)
    if appointment.status is not AppointmentStatus.PENDING:
        raise InvalidTransition(
            f"Only pending appointments can be confirmed (this one is {appointment.status.value})."
        )
    session_type = session.get_one(SessionType, appointment.session_type_id)
    if appointment.pending_reason is PendingReason.HOLD:
        if principal.role is not Role.CLIENT:
            raise InvalidTransition("A hold is confirmed by the client who holds it.")
        if appointment.payment_due:
            raise InvalidTransition(
                "This hold is confirmed by paying for it: POST /appointments/{id}/payment."
            )
        if appointment.hold_expires_at is None or appointment.hold_expires_at <= now:
            raise InvalidTransition("The hold has expired; book the slot again.")
        settle_hold(appointment, session_type, actor_id=principal.user.id, now=now)
    else:
        if principal.role is Role.CLIENT:
            raise InvalidTransition("This request waits for the therapist's approval.")
        if appointment.starts_at <= now:
            raise InvalidTransition("The requested time has passed; it cannot be approved.")
        check_still_free(appointment, session=session, now=now)
        set_status(
            appointment,
            AppointmentStatus.BOOKED,
            actor_id=principal.user.id,
            now=now,
            action="approved",
        )
    # set_status changed the status that mypy still sees narrowed to PENDING.
    outcome: AppointmentStatus = appointment.status
    if outcome is AppointmentStatus.BOOKED:
        appointment_changed(appointment, "booked", session=session)
    return appointment


def settle_hold(
    appointment: Appointment, session_type: SessionType, *, actor_id: uuid.UUID, now: datetime
) -> None:
    """A live hold becomes booked, or a request for approval when the session type needs one."""
    if session_type.requires_approval:
        set_status(
            appointment,
            AppointmentStatus.PENDING,
            actor_id=actor_id,
            now=now,
            action="requested",
            pending_reason=PendingReason.APPROVAL,
        )
    else:
        set_status(
            appointment, AppointmentStatus.BOOKED, actor_id=actor_id, now=now, action="confirmed"
        )


@unit_of_work
def decline(
    *, session: Session, principal: Principal, appointment_id: uuid.UUID, reason: str | None
) -> Appointment:
    """The therapist (or admin) declines a request awaiting approval."""
    now = utcnow()
    appointment = visible_appointment(principal, appointment_id, session=session, lock=True)
    if principal.role is Role.CLIENT or appointment.pending_reason is not PendingReason.APPROVAL:
        raise InvalidTransition(
            "Only a request awaiting approval can be declined, by the therapist or clinic."
        )
    appointment.cancelled_by_role = principal.role.value
    appointment.cancellation_reason = reason
    set_status(
        appointment,
        AppointmentStatus.CANCELLED,
        actor_id=principal.user.id,
        now=now,
        action="declined",
        reason=reason,
    )
    status_changed(appointment, session=session)
    return appointment
