"""The client pays on-session: a hold's fee or an open balance, through the frontend's Stripe SDK.

The intent is created at the provider between two short transactions (never inside one), with
an idempotency key per payment and attempt, so racing or retried requests share one intent.
Confirmation re-reads the intent from the provider: the client's word is never taken for it.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy.orm import Session

from app.clock import utcnow
from app.db.unit_of_work import run_in_transaction, unit_of_work
from app.directory.models import ClientProfile
from app.identity.models import Role
from app.identity.service import Principal
from billing.exceptions import PaymentNotFound, PaymentStateConflict
from billing.ledger.postings import MEMOS
from billing.ledger.receipts import ReceiptSettings
from billing.payments.access import session_payment_of, visible_payment
from billing.payments.customers import ensure_customer
from billing.payments.models import OPEN_STATUSES, Payment, PaymentStatus
from billing.payments.provider import ChargeRequest, Intent, PaymentProvider, Setup
from billing.payments.setups import apply_setup
from billing.payments.state import apply_intent
from billing.pricing.service import billing_policy
from scheduling.appointments.models import Appointment

REUSABLE = frozenset({"requires_payment_method", "requires_confirmation", "requires_action"})


@dataclass(frozen=True)
class Checkout:
    """What the frontend needs to collect the payment with Stripe's SDK."""

    payment: Payment
    kind: str  # "payment" (confirmPayment) or "setup" (confirmSetup: saved, charged later)
    client_secret: str | None
    publishable_key: str


def intent_key(payment: Payment) -> str:
    """The idempotency key of the payment's current attempt."""
    return f"payment:{payment.id}:intent:{payment.attempt}"


def _own_payment(principal: Principal, payment_id: uuid.UUID, *, session: Session) -> Payment:
    if principal.role is not Role.CLIENT:
        raise PaymentNotFound("Only the client who owes a payment pays it.")
    return visible_payment(principal, payment_id, session=session)


def _needs_setup(payment: Payment, *, session: Session) -> bool:
    """A session authorized later than now: save the card now, authorize nearer the date."""
    if not payment.capture_later or payment.appointment_id is None:
        return False
    appointment = session.get_one(Appointment, payment.appointment_id)
    days = billing_policy(payment.clinic_id, session=session).authorization_days
    return appointment.starts_at - utcnow() > timedelta(days=days)


@unit_of_work
def _new_attempt(*, session: Session, payment_id: uuid.UUID) -> Payment:
    """A failed off-session charge is paid on-session with a new intent (a new key)."""
    payment = session.get_one(Payment, payment_id, with_for_update=True)
    if payment.status is PaymentStatus.FAILED:
        payment.attempt += 1
        payment.intent_id = None
        payment.status = PaymentStatus.DUE
    return payment


@unit_of_work
def _remember(
    *, session: Session, payment_id: uuid.UUID, intent_id: str | None, setup_id: str | None
) -> Payment:
    payment = session.get_one(Payment, payment_id, with_for_update=True)
    if intent_id and payment.intent_id is None:
        payment.intent_id = intent_id
    if setup_id and payment.setup_id is None:
        payment.setup_id = setup_id
    return payment


def start_payment(
    *, session: Session, principal: Principal, payment_id: uuid.UUID, provider: PaymentProvider
) -> Checkout:
    """Create (or resume) the provider intent for an open payment; returns its client secret."""
    payment = _own_payment(principal, payment_id, session=session)
    if payment.status not in OPEN_STATUSES:
        raise PaymentStateConflict(f"This payment is {payment.status.value}; nothing to pay.")
    if payment.status is PaymentStatus.FAILED:
        payment = _new_attempt(session=session, payment_id=payment.id)
    client = session.get_one(ClientProfile, payment.client_id)
    customer = ensure_customer(client, payment.account, provider, session=session)
    key = provider.publishable_key
    if _needs_setup(payment, session=session):
        setup = provider.create_setup(
            customer=customer.customer_id,
            account=payment.account,
            key=f"{intent_key(payment)}:setup",
        )
        payment = _remember(
            session=session, payment_id=payment.id, intent_id=None, setup_id=setup.id
        )
        return Checkout(payment, "setup", setup.client_secret, key)
    if payment.intent_id is not None:
        intent = provider.retrieve_intent(payment.intent_id, account=payment.account)
        if intent.status in REUSABLE:
            return Checkout(payment, "payment", intent.client_secret, key)
        raise PaymentStateConflict("This payment is already being processed; confirm it.")
    intent = provider.create_intent(
        ChargeRequest(
            amount=payment.amount,
            currency=payment.currency,
            customer=customer.customer_id,
            reference=str(payment.id),
            description=MEMOS[payment.purpose],
            capture_later=payment.capture_later,
            account=payment.account,
            key=intent_key(payment),
            save_card=True,
            application_fee=payment.application_fee,
        )
    )
    payment = _remember(session=session, payment_id=payment.id, intent_id=intent.id, setup_id=None)
    return Checkout(payment, "payment", intent.client_secret, key)


def pay_for_appointment(
    *,
    session: Session,
    principal: Principal,
    appointment_id: uuid.UUID,
    provider: PaymentProvider,
) -> Checkout:
    """Start (or resume) paying for the caller's hold on an appointment."""
    payment = session_payment_of(principal, appointment_id, session=session)
    return start_payment(
        session=session, principal=principal, payment_id=payment.id, provider=provider
    )


def fetch_state(payment: Payment, provider: PaymentProvider) -> Intent | Setup | None:
    """The payment's intent (or card setup) as the provider reports it now."""
    if payment.intent_id is not None:
        return provider.retrieve_intent(payment.intent_id, account=payment.account)
    if payment.setup_id is not None:
        return provider.retrieve_setup(payment.setup_id, account=payment.account)
    return None


def apply_state(
    payment_id: uuid.UUID,
    state: Intent | Setup | None,
    settings: ReceiptSettings,
    *,
    session: Session,
) -> Payment:
    """Apply what the provider reported, under the payment's row lock (caller's transaction)."""
    payment = session.get_one(Payment, payment_id, with_for_update=True, populate_existing=True)
    if isinstance(state, Intent):
        apply_intent(payment, state, settings, session=session)
    elif isinstance(state, Setup):
        apply_setup(payment, state, session=session)
    return payment


def confirm_payment(
    *,
    session: Session,
    principal: Principal,
    payment_id: uuid.UUID,
    provider: PaymentProvider,
    settings: ReceiptSettings,
) -> Payment:
    """After the frontend confirmed with Stripe: re-read the intent and settle the booking."""
    payment = visible_payment(principal, payment_id, session=session)
    state = fetch_state(payment, provider)
    return run_in_transaction(
        lambda: apply_state(payment.id, state, settings, session=session), session=session
    )
