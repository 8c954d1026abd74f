"""Booking use cases: book or hold, reschedule (confirm and decline are in confirmation.py)."""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.clock import utcnow
from app.consent.service import require_consent
from app.db.unit_of_work import unit_of_work
from app.directory.models import ClientProfile, TherapistProfile
from app.directory.therapists import get_therapist
from app.identity.service import Principal
from scheduling.appointments.access import booking_client_of, visible_appointment
from scheduling.appointments.checks import (
    check_accepting,
    check_client_free,
    check_license,
    check_slot,
)
from scheduling.appointments.events import appointment_changed
from scheduling.appointments.history import record_event
from scheduling.appointments.holds import expire_stale_holds
from scheduling.appointments.models import (
    Appointment,
    AppointmentKind,
    AppointmentStatus,
    PendingReason,
    live_hold,
)
from scheduling.appointments.payment_gate import NoPayment, PaymentGate
from scheduling.exceptions import InvalidTransition, NotBookable, TooManyHolds
from scheduling.session_types.models import SessionType
from scheduling.session_types.service import clinic_policy, offered_session_type, slot_policy

NO_PAYMENT = NoPayment()


def validate_booking(
    *,
    session: Session,
    client: ClientProfile,
    therapist_id: uuid.UUID,
    session_type: SessionType | uuid.UUID,
    start: datetime,
    now: datetime,
    ignore: uuid.UUID | None = None,
    located_in: str | None = None,
) -> SessionType:
    """Every rule a one-to-one booking must pass; returns the session type."""
    therapist = get_therapist(therapist_id, session=session)
    if not isinstance(session_type, SessionType):
        session_type = offered_session_type(therapist, session_type, session=session)
    if session_type.is_group:
        raise NotBookable("Group sessions are joined by enrolling, not booked.")
    check_accepting(therapist, client, session=session)
    check_license(therapist, client, start, located_in=located_in)
    expire_stale_holds(session=session, therapist_id=therapist.id, client_id=client.id, now=now)
    check_slot(
        session=session,
        therapist=therapist,
        session_type=session_type,
        start=start,
        now=now,
        ignore=ignore,
    )
    end = start + timedelta(minutes=session_type.duration_minutes)
    check_client_free(session=session, client=client, start=start, end=end, now=now, ignore=ignore)
    return session_type


def place_times(appointment: Appointment, session_type: SessionType, start: datetime) -> None:
    """Set the session's times and the block its buffers reserve."""
    policy = slot_policy(session_type)
    appointment.starts_at = start
    appointment.ends_at = start + policy.duration
    appointment.block_starts_at, appointment.block_ends_at = policy.block(start)


def new_appointment(
    *,
    principal: Principal,
    client: ClientProfile,
    therapist: TherapistProfile,
    session_type: SessionType,
    start: datetime,
    now: datetime,
    hold_for: timedelta | None = None,
    located_in: str | None = None,
) -> Appointment:
    """Build (not add) an appointment in its first status; a hold when `hold_for` is given."""
    hold = hold_for is not None
    if hold:
        status, reason = AppointmentStatus.PENDING, PendingReason.HOLD
    elif session_type.requires_approval:
        status, reason = AppointmentStatus.PENDING, PendingReason.APPROVAL
    else:
        status, reason = AppointmentStatus.BOOKED, None
    appointment = Appointment(
        clinic_id=therapist.clinic_id,
        therapist_id=therapist.id,
        client_id=client.id,
        session_type_id=session_type.id,
        kind=AppointmentKind.INDIVIDUAL,
        status=status,
        pending_reason=reason,
        created_by_id=principal.user.id,
        status_changed_at=now,
        status_changed_by_id=principal.user.id,
        hold_expires_at=now + hold_for if hold_for is not None else None,
        client_located_in=located_in or client.jurisdiction,
    )
    place_times(appointment, session_type, start)
    record_event(
        appointment,
        action="held" if hold else "created",
        actor_id=principal.user.id,
        from_status=None,
    )
    return appointment


@unit_of_work
def book(
    *,
    session: Session,
    principal: Principal,
    therapist_id: uuid.UUID,
    session_type_id: uuid.UUID,
    start: datetime,
    hold: bool = False,
    located_in: str | None = None,
    gate: PaymentGate = NO_PAYMENT,
) -> Appointment:
    """Book a listed slot (or hold it while paying) for the client, located where they say."""
    now = utcnow()
    client = booking_client_of(principal, session=session, lock=True)
    therapist = get_therapist(therapist_id, session=session)
    session_type = validate_booking(
        session=session,
        client=client,
        therapist_id=therapist_id,
        session_type=session_type_id,
        start=start,
        now=now,
        located_in=located_in,
    )
    require_consent(client.id, therapist.clinic_id, session=session)
    policy = clinic_policy(therapist.clinic_id, session=session)
    if hold:
        active_holds = session.scalar(
            select(func.count()).where(Appointment.client_id == client.id, live_hold(now))
        )
        if (active_holds or 0) >= policy.max_active_holds:
            raise TooManyHolds(
                f"You can hold at most {policy.max_active_holds} slots at once; "
                "confirm or release one first."
            )
    appointment = new_appointment(
        principal=principal,
        client=client,
        therapist=therapist,
        session_type=session_type,
        start=start,
        now=now,
        hold_for=timedelta(minutes=policy.hold_minutes) if hold else None,
        located_in=located_in,
    )
    session.add(appointment)
    session.flush()
    appointment.payment_due = gate.payment_due(appointment, hold=hold, session=session)
    if appointment.status is AppointmentStatus.BOOKED:
        appointment_changed(appointment, "booked", session=session)
    return appointment


@unit_of_work
def reschedule(
    *, session: Session, principal: Principal, appointment_id: uuid.UUID, start: datetime
) -> Appointment:
    """Move an appointment to another listed slot, keeping its id and history, atomically."""
    now = utcnow()
    appointment = visible_appointment(principal, appointment_id, session=session, lock=True)
    if appointment.kind is AppointmentKind.GROUP or appointment.status not in (
        AppointmentStatus.BOOKED,
        AppointmentStatus.PENDING,
    ):
        raise InvalidTransition("Only upcoming booked or pending appointments can be moved.")
    if appointment.starts_at <= now:
        raise InvalidTransition("The session has already started.")
    client = session.get_one(ClientProfile, appointment.client_id)
    session_type = validate_booking(
        session=session,
        client=client,
        therapist_id=appointment.therapist_id,
        session_type=session.get_one(SessionType, appointment.session_type_id),
        start=start,
        now=now,
        ignore=appointment.id,
        located_in=appointment.client_located_in,
    )
    place_times(appointment, session_type, start)
    record_event(
        appointment,
        action="rescheduled",
        actor_id=principal.user.id,
        from_status=appointment.status,
    )
    if appointment.status is AppointmentStatus.BOOKED:
        appointment_changed(appointment, "rescheduled", session=session)
    return appointment
