"""What billing does when an appointment ends: release, capture, refund, and charge fees."""

from __future__ import annotations

import uuid

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.directory.models import TherapistProfile
from app.outbox.models import OutboxMessage
from billing.ledger.models import EntryKind
from billing.ledger.postings import post
from billing.payments.gate import new_payment, schedule_charge
from billing.payments.models import Payment, Purpose
from billing.payments.topics import CAPTURE, RELEASE, queue_payment_work
from billing.pricing.fees import policy_fee
from billing.pricing.models import BillingPolicy, Collection
from billing.pricing.service import billing_policy, session_price
from scheduling.appointments.models import Appointment, AppointmentStatus

STAFF_ROLES = frozenset({"therapist", "admin", "system"})


def _payment(appointment_id: uuid.UUID, purpose: Purpose, *, session: Session) -> Payment | None:
    return session.scalar(
        select(Payment).where(Payment.appointment_id == appointment_id, Payment.purpose == purpose)
    )


def _session_fee(
    appointment: Appointment, client_id: uuid.UUID, payment: Payment | None, *, session: Session
) -> int:
    if payment is not None:
        return payment.amount
    return session_price(
        session=session,
        therapist=session.get_one(TherapistProfile, appointment.therapist_id),
        client_id=client_id,
        session_type_id=appointment.session_type_id,
    ).amount


def _charge_fee(
    appointment: Appointment,
    policy: BillingPolicy,
    purpose: Purpose,
    base: int,
    *,
    session: Session,
) -> None:
    """Owe the policy's fee and charge it off-session now (an open balance if that fails)."""
    if purpose is Purpose.NO_SHOW_FEE:
        amount = policy_fee(policy.no_show_fee_kind, policy.no_show_fee_value, base)
    else:
        amount = policy_fee(policy.late_cancel_fee_kind, policy.late_cancel_fee_value, base)
    if amount <= 0 or _payment(appointment.id, purpose, session=session) is not None:
        return
    fee = new_payment(appointment, policy, amount, purpose)
    session.add(fee)
    session.flush()
    post(fee, EntryKind.FEE, amount, key="owed", session=session)
    schedule_charge(fee, policy, appointment.starts_at, session=session)


def on_appointment_status(message: OutboxMessage, *, session: Session) -> None:
    """React to a cancellation, no-show or held session of a one-to-one appointment."""
    appointment = session.get(Appointment, uuid.UUID(message.payload["appointment_id"]))
    if appointment is None or appointment.client_id is None:
        return
    policy = billing_policy(appointment.clinic_id, session=session)
    payment = _payment(appointment.id, Purpose.SESSION, session=session)
    status = AppointmentStatus(message.payload["status"])
    if status in (AppointmentStatus.ARRIVED, AppointmentStatus.FULFILLED):
        if payment is not None:
            queue_payment_work(CAPTURE, payment, session=session)
        return
    if status not in (AppointmentStatus.CANCELLED, AppointmentStatus.NOSHOW):
        return
    by_staff = message.payload.get("cancelled_by_role") in STAFF_ROLES
    if payment is not None and (not by_staff or policy.refund_staff_cancellations):
        queue_payment_work(RELEASE, payment, session=session, refund=True)
    if policy.collection is Collection.NONE or by_staff:
        return
    base = _session_fee(appointment, appointment.client_id, payment, session=session)
    if status is AppointmentStatus.NOSHOW:
        _charge_fee(appointment, policy, Purpose.NO_SHOW_FEE, base, session=session)
    elif message.payload.get("late_cancellation"):
        _charge_fee(appointment, policy, Purpose.LATE_CANCELLATION_FEE, base, session=session)
