"""Billing's answer to scheduling's PaymentGate: what a new appointment must pay, and how."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy.orm import Session

from app.clock import utcnow
from app.directory.models import TherapistProfile
from billing.exceptions import PaymentRequired
from billing.money import share
from billing.paperwork.estimates import estimate_on_first_booking
from billing.payments.customers import find_customer
from billing.payments.models import Payment, PaymentStatus, Purpose
from billing.payments.topics import CHARGE, queue_payment_work
from billing.pricing.models import BillingPolicy, Collection
from billing.pricing.service import account_of, billing_policy, session_price
from scheduling.appointments.models import Appointment


def new_payment(
    appointment: Appointment, policy: BillingPolicy, amount: int, purpose: Purpose
) -> Payment:
    """A payment of the appointment's client to its clinic, on the clinic's account."""
    account = account_of(policy)
    return Payment(
        clinic_id=appointment.clinic_id,
        client_id=appointment.client_id,
        appointment_id=appointment.id,
        purpose=purpose,
        amount=amount,
        currency=policy.currency,
        status=PaymentStatus.DUE,
        capture_later=purpose is Purpose.SESSION
        and policy.collection is Collection.AUTHORIZE_THEN_CAPTURE,
        account=account,
        application_fee=share(amount, policy.platform_fee_basis_points) if account else 0,
        attempt=0,
        amount_captured=0,
        amount_refunded=0,
    )


def charge_time(
    payment: Payment, policy: BillingPolicy, starts_at: datetime, now: datetime
) -> datetime:
    """When to charge the saved card: now, or (authorizing) close enough for the hold to last."""
    if not payment.capture_later:
        return now
    return max(now, starts_at - timedelta(days=policy.authorization_days))


def schedule_charge(
    payment: Payment, policy: BillingPolicy, starts_at: datetime, *, session: Session
) -> None:
    """Charge the saved card off-session at the right time, through the outbox."""
    payment.status = PaymentStatus.SCHEDULED
    payment.charge_after = charge_time(payment, policy, starts_at, utcnow())
    queue_payment_work(CHARGE, payment, session=session, at=payment.charge_after)


class BillingGate:
    """Decides, inside the booking's unit of work, whether and how a booking is paid for."""

    def payment_due(self, appointment: Appointment, *, hold: bool, session: Session) -> bool:
        """Record the session's payment; True when the hold is settled by paying on-session."""
        if appointment.client_id is None:
            return False
        estimate_on_first_booking(appointment, session=session)
        policy = billing_policy(appointment.clinic_id, session=session)
        if policy.collection is Collection.NONE:
            return False
        price = session_price(
            session=session,
            therapist=session.get_one(TherapistProfile, appointment.therapist_id),
            client_id=appointment.client_id,
            session_type_id=appointment.session_type_id,
        )
        if price.amount <= 0:
            return False
        payment = new_payment(appointment, policy, price.amount, Purpose.SESSION)
        session.add(payment)
        if hold:
            return True
        customer = find_customer(appointment.client_id, payment.account, session=session)
        if customer is None or customer.default_card_id is None:
            raise PaymentRequired(
                'This session is paid when booked: hold it ("hold": true) and pay for the '
                "hold, or save a card first (POST /billing/payment-methods)."
            )
        schedule_charge(payment, policy, appointment.starts_at, session=session)
        return False
