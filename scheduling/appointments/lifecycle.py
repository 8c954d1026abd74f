"""After booking: cancel (one or the rest of a series), and the therapist's session outcomes."""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta

from sqlalchemy.orm import Session

from app.clock import iso_utc, utcnow
from app.db.unit_of_work import unit_of_work
from app.identity.models import Role
from app.identity.service import Principal
from scheduling.appointments.access import visible_appointment, visible_to
from scheduling.appointments.events import appointment_changed, status_changed
from scheduling.appointments.history import set_status
from scheduling.appointments.models import Appointment, AppointmentKind, AppointmentStatus
from scheduling.exceptions import InvalidTransition
from scheduling.session_types.service import clinic_policy

CANCELLABLE = frozenset({AppointmentStatus.PENDING, AppointmentStatus.BOOKED})


OUTCOMES = {
    AppointmentStatus.ARRIVED: frozenset({AppointmentStatus.BOOKED}),
    AppointmentStatus.FULFILLED: frozenset({AppointmentStatus.BOOKED, AppointmentStatus.ARRIVED}),
    AppointmentStatus.NOSHOW: frozenset({AppointmentStatus.BOOKED}),
}


def mark_cancelled(
    appointment: Appointment,
    *,
    actor_id: uuid.UUID,
    role: Role,
    reason: str | None,
    now: datetime,
    late: bool,
) -> None:
    """Cancel: who cancelled, why and whether late, stamped and recorded in the history."""
    appointment.cancelled_by_role = role.value
    appointment.cancellation_reason = reason
    appointment.late_cancellation = late
    set_status(
        appointment,
        AppointmentStatus.CANCELLED,
        actor_id=actor_id,
        now=now,
        action="cancelled",
        reason=reason,
    )


def _cancel_one(
    appointment: Appointment,
    *,
    principal: Principal,
    reason: str | None,
    now: datetime,
    window: timedelta,
) -> None:
    mark_cancelled(
        appointment,
        actor_id=principal.user.id,
        role=principal.role,
        reason=reason,
        now=now,
        late=appointment.status is AppointmentStatus.BOOKED
        and now > appointment.starts_at - window,
    )


@unit_of_work
def cancel(
    *,
    session: Session,
    principal: Principal,
    appointment_id: uuid.UUID,
    reason: str | None,
    scope: str = "this",
) -> list[Appointment]:
    """Cancel an upcoming appointment, or it and the later ones of its series; the time frees."""
    now = utcnow()
    appointment = visible_appointment(principal, appointment_id, session=session, lock=True)
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
                visible_to(principal, session=session)
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
        minutes=clinic_policy(appointment.clinic_id, session=session).cancellation_window_minutes
    )
    for target in targets:
        was_announced = target.status is AppointmentStatus.BOOKED
        _cancel_one(target, principal=principal, reason=reason, now=now, window=window)
        status_changed(target, session=session)
        if was_announced:
            appointment_changed(target, "cancelled", session=session)
    return targets


@unit_of_work
def record_outcome(
    *,
    session: Session,
    principal: Principal,
    appointment_id: uuid.UUID,
    outcome: AppointmentStatus,
) -> Appointment:
    """The therapist (or clinic admin) marks arrived, fulfilled or no-show once it started."""
    now = utcnow()
    appointment = visible_appointment(principal, appointment_id, session=session, lock=True)
    if principal.role is Role.CLIENT:
        raise InvalidTransition("Only the therapist or the clinic records how a session went.")
    if appointment.starts_at > now:
        raise InvalidTransition(
            f"The session has not started yet (it starts {iso_utc(appointment.starts_at)})."
        )
    if appointment.status not in OUTCOMES[outcome]:
        raise InvalidTransition(
            f"A {appointment.status.value} appointment cannot be marked {outcome.value}."
        )
    set_status(appointment, outcome, actor_id=principal.user.id, now=now, action=outcome.value)
    status_changed(appointment, session=session)
    return appointment
