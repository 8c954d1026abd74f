"""Who sees which payment: the client who owes it, the session's therapist, the clinic's admins."""

from __future__ import annotations

import uuid

from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from app.directory.models import ClientProfile
from app.identity.models import Role
from app.identity.service import Principal
from billing.exceptions import PaymentNotFound
from billing.payments.models import Payment, Purpose
from scheduling.appointments.access import therapist_profile_of
from scheduling.appointments.models import Appointment


def own_client_id(principal: Principal, *, session: Session) -> uuid.UUID | None:
    """The caller's client profile id (None for staff)."""
    if principal.role is not Role.CLIENT:
        return None
    return session.scalar(
        select(ClientProfile.id).where(ClientProfile.user_id == principal.user.id)
    )


def visible_payments(principal: Principal, *, session: Session) -> Select[Payment]:
    """A select of the payments the caller may see."""
    query = select(Payment)
    if principal.role is Role.ADMIN:
        return query.where(Payment.clinic_id == principal.user.clinic_id)
    if principal.role is Role.THERAPIST:
        therapist = therapist_profile_of(principal, session=session)
        return query.join(Appointment, Appointment.id == Payment.appointment_id).where(
            Appointment.therapist_id == (therapist.id if therapist else None)
        )
    return query.where(Payment.client_id == own_client_id(principal, session=session))


def visible_payment(
    principal: Principal, payment_id: uuid.UUID, *, session: Session, lock: bool = False
) -> Payment:
    """The payment if the caller may see it; otherwise it does not exist for them."""
    query = visible_payments(principal, session=session).where(Payment.id == payment_id)
    if lock:
        query = query.with_for_update(of=Payment)
    payment = session.scalar(query)
    if payment is None:
        raise PaymentNotFound("No payment with this id.")
    return payment


def session_payment_of(
    principal: Principal, appointment_id: uuid.UUID, *, session: Session
) -> Payment:
    """The session payment of one of the caller's appointments."""
    payment = session.scalar(
        visible_payments(principal, session=session).where(
            Payment.appointment_id == appointment_id, Payment.purpose == Purpose.SESSION
        )
    )
    if payment is None:
        raise PaymentNotFound("This appointment has nothing to pay.")
    return payment
