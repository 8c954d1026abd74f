"""After booking: cancel (one or the rest of a series), and the therapist's session outcomes."""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.db import begin_write, utcnow
from app.directory.therapists import managed_therapist
from app.identity.models import Role
from app.identity.service import Principal
from scheduling.access import visible_appointment, visible_to
from scheduling.appointment_models import Appointment, AppointmentKind, AppointmentStatus
from scheduling.booking import set_status
from scheduling.events import appointment_changed
from scheduling.exceptions import InvalidTransition
from scheduling.session_types import clinic_policy

CANCELLABLE = frozenset({AppointmentStatus.PENDING, AppointmentStatus.BOOKED})

# outcome -> the statuses it may follow
OUTCOMES = {
    AppointmentStatus.ARRIVED: frozenset({AppointmentStatus.BOOKED}),
    AppointmentStatus.FULFILLED: frozenset({AppointmentStatus.BOOKED, AppointmentStatus.ARRIVED}),
    AppointmentStatus.NOSHOW: frozenset({AppointmentStatus.BOOKED}),
}


def _cancel_one(
    appointment: Appointment,
    *,
    principal: Principal,
    reason: str | None,
    now: datetime,
    window: timedelta,
) -> None:
    appointment.cancelled_by_role = principal.role.value
    appointment.cancellation_reason = reason
    appointment.late_cancellation = (
        appointment.status is AppointmentStatus.BOOKED and now > appointment.starts_at - window
    )
    set_status(
        appointment,
        AppointmentStatus.CANCELLED,
        principal=principal,
        now=now,
        action="cancelled",
        reason=reason,
    )


def cancel(
    session: Session,
    *,
    principal: Principal,
    appointment_id: uuid.UUID,
    reason: str | None,
    scope: str = "this",
) -> list[Appointment]:
    """Cancel an upcoming appointment, or it and the later ones of its series; the time frees."""
    begin_write(session)
    now = utcnow()
    appointment = visible_appointment(session, principal, appointment_id, lock=True)
    if appointment.kind is AppointmentKind.GROUP and principal.role is Role.CLIENT:
        raise InvalidTransition("Leave a group session instead of cancelling it.")
    if appointment.status not in CANCELLABLE:
        raise InvalidTransition(f"A {appointment.status.value} appointment cannot be cancelled.")
    if appointment.starts_at <= now:
        raise InvalidTransition("The session has started; mark it as a no-show instead.")
    targets = [appointment]
    if scope == "following":
        if appointment.series_id is None:
            raise InvalidTransition("This appointment is not part of a series.")
        targets = list(
            session.scalars(
                visible_to(session, principal)
                .where(
                    Appointment.series_id == appointment.series_id,
                    Appointment.starts_at >= appointment.starts_at,
                    Appointment.status.in_(CANCELLABLE),
                )
                .order_by(Appointment.starts_at)
                .with_for_update(of=Appointment)
            )
        )
    window = timedelta(
        minutes=clinic_policy(session, appointment.clinic_id).cancellation_window_minutes
    )
    for target in targets:
        was_announced = target.status is AppointmentStatus.BOOKED
        _cancel_one(target, principal=principal, reason=reason, now=now, window=window)
        if was_announced:
            appointment_changed(session, target, "cancelled")
    session.commit()
    return targets


def record_outcome(
    session: Session,
    *,
    principal: Principal,
    appointment_id: uuid.UUID,
    outcome: AppointmentStatus,
) -> Appointment:
    """The therapist (or clinic admin) marks arrived, fulfilled or no-show once it started."""
    begin_write(session)
    now = utcnow()
    appointment = visible_appointment(session, principal, appointment_id, lock=True)
    if principal.role is Role.CLIENT:
        raise InvalidTransition("Only the therapist or the clinic records how a session went.")
    if appointment.starts_at > now:
        raise InvalidTransition(
            f"The session has not started yet (it starts {appointment.starts_at.isoformat()})."
        )
    if appointment.status not in OUTCOMES[outcome]:
        raise InvalidTransition(
            f"A {appointment.status.value} appointment cannot be marked {outcome.value}."
        )
    set_status(appointment, outcome, principal=principal, now=now, action=outcome.value)
    session.commit()
    return appointment


def list_appointments(
    session: Session,
    *,
    principal: Principal,
    start: datetime | None,
    end: datetime | None,
    status: AppointmentStatus | None,
) -> list[Appointment]:
    """The caller's appointments (an admin: their clinic's), soonest first."""
    query = visible_to(session, principal)
    if start is not None:
        query = query.where(Appointment.ends_at > start)
    if end is not None:
        query = query.where(Appointment.starts_at < end)
    if status is not None:
        query = query.where(Appointment.status == status)
    return list(session.scalars(query.order_by(Appointment.starts_at).limit(500)))


def therapist_schedule(
    session: Session,
    *,
    principal: Principal,
    therapist_id: uuid.UUID,
    start: datetime,
    end: datetime,
) -> list[Appointment]:
    """A therapist's appointments in a window (the therapist or their clinic's admin)."""
    managed_therapist(session, principal, therapist_id)
    return list(
        session.scalars(
            select(Appointment)
            .where(
                Appointment.therapist_id == therapist_id,
                Appointment.ends_at > start,
                Appointment.starts_at < end,
            )
            .order_by(Appointment.starts_at)
        )
    )
