"""Saved cards: a succeeded SetupIntent makes the card the default for off-session charges."""

from __future__ import annotations

from sqlalchemy.orm import Session

from billing.payments.gate import schedule_charge
from billing.payments.models import BillingCustomer, Payment, PaymentStatus
from billing.payments.provider import Setup
from billing.payments.state import settle_appointment
from billing.pricing.service import billing_policy
from scheduling.appointments.models import Appointment


def remember_card(customer: BillingCustomer, card_id: str | None) -> None:
    """Use the card for off-session charges (None: no default any more)."""
    customer.default_card_id = card_id


def apply_setup(payment: Payment, setup: Setup, *, session: Session) -> None:
    """A hold settled by saving the card: the session is charged nearer its date."""
    if payment.setup_id != setup.id or setup.status != "succeeded":
        return
    customer = session.get(BillingCustomer, (payment.client_id, payment.account))
    if customer is not None and setup.payment_method:
        remember_card(customer, setup.payment_method)
    if payment.status is PaymentStatus.DUE and payment.appointment_id is not None:
        appointment = session.get_one(Appointment, payment.appointment_id)
        policy = billing_policy(payment.clinic_id, session=session)
        schedule_charge(payment, policy, appointment.starts_at, session=session)
    settle_appointment(payment, session=session)
