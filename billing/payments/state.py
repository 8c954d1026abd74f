"""Bringing a payment, its ledger and its hold to what the provider reports.

The provider's object is the truth: these functions derive our state from it, so webhooks
arriving twice, late or out of order, and confirmations racing them, leave one correct state.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from app.clock import utcnow
from app.directory.models import ClientProfile
from app.webhooks.events import publish
from billing.ledger.models import EntryKind
from billing.ledger.postings import post
from billing.ledger.receipts import ReceiptSettings, queue_payment_needed, queue_receipt
from billing.payments.models import BillingCustomer, Payment, PaymentStatus, Purpose
from billing.payments.provider import Intent
from billing.payments.topics import RELEASE, queue_payment_work
from scheduling.appointments.confirmation import settle_hold
from scheduling.appointments.events import appointment_changed
from scheduling.appointments.models import Appointment, AppointmentStatus, PendingReason
from scheduling.session_types.models import SessionType

SETTLED = frozenset({PaymentStatus.AUTHORIZED, PaymentStatus.CAPTURED, PaymentStatus.SCHEDULED})


def record_capture(payment: Payment, received: int, *, session: Session) -> None:
    """Money arrived: raise what was captured, enter it, and send a receipt (each once)."""
    if received <= payment.amount_captured:
        return
    payment.amount_captured = received
    payment.status = PaymentStatus.CAPTURED
    payment.failure_code = None
    if payment.purpose is Purpose.SESSION:
        post(payment, EntryKind.CHARGE, received, key="charge", session=session)
    post(payment, EntryKind.PAYMENT, received, key="captured", session=session)
    queue_receipt(payment, received, session=session)
    publish_payment(payment, "payment.succeeded", session=session)


def record_failure(
    payment: Payment, code: str, settings: ReceiptSettings, *, session: Session
) -> None:
    """An off-session charge failed: the payment is an open balance and the client is told."""
    payment.status = PaymentStatus.FAILED
    payment.failure_code = code[:64]
    queue_payment_needed(payment, settings, session=session)
    publish_payment(payment, "payment.failed", session=session)


def apply_intent(
    payment: Payment, intent: Intent, settings: ReceiptSettings, *, session: Session
) -> None:
    """Set the payment from the intent as it is now, then settle or release its hold."""
    if payment.intent_id != intent.id:
        return  # an intent of an earlier attempt: it no longer speaks for this payment
    if intent.status in ("succeeded", "requires_capture"):
        _keep_card(payment, intent.payment_method, session=session)
    if intent.status == "succeeded":
        record_capture(payment, intent.amount_received, session=session)
    elif intent.status == "requires_capture":
        if payment.status in (PaymentStatus.DUE, PaymentStatus.SCHEDULED, PaymentStatus.FAILED):
            payment.status = PaymentStatus.AUTHORIZED
            payment.failure_code = None
    elif intent.status == "canceled":
        if payment.status is not PaymentStatus.CAPTURED:
            payment.status = PaymentStatus.CANCELED
    elif intent.failure_code and payment.status is PaymentStatus.SCHEDULED:
        record_failure(payment, intent.failure_code, settings, session=session)
    elif intent.failure_code:
        payment.failure_code = intent.failure_code[:64]
    settle_appointment(payment, session=session)


def _keep_card(payment: Payment, card_id: str | None, *, session: Session) -> None:
    """The card a client paid with on-session (saved for later) pays later fees by default."""
    customer = session.get(BillingCustomer, (payment.client_id, payment.account))
    if customer is not None and card_id and customer.default_card_id is None:
        customer.default_card_id = card_id


def _is_waiting_hold(appointment: Appointment, now: datetime) -> bool:
    return (
        appointment.payment_due
        and appointment.status is AppointmentStatus.PENDING
        and appointment.pending_reason is PendingReason.HOLD
        and appointment.hold_expires_at is not None
        and appointment.hold_expires_at > now
    )


def settle_appointment(payment: Payment, *, session: Session) -> None:
    """A paid hold becomes booked; money for a hold that lapsed or was cancelled goes back."""
    if payment.purpose is not Purpose.SESSION or payment.appointment_id is None:
        return
    if payment.status not in SETTLED:
        return
    appointment = session.get_one(Appointment, payment.appointment_id, with_for_update=True)
    now = utcnow()
    if _is_waiting_hold(appointment, now):
        client = session.get_one(ClientProfile, payment.client_id)
        session_type = session.get_one(SessionType, appointment.session_type_id)
        appointment.payment_due = False
        settle_hold(appointment, session_type, actor_id=client.user_id, now=now)
        booked: AppointmentStatus = appointment.status
        if booked is AppointmentStatus.BOOKED:
            appointment_changed(appointment, "booked", session=session)
    elif appointment.payment_due:
        # The hold lapsed (or was cancelled) before the money came: nothing was booked.
        queue_payment_work(RELEASE, payment, session=session, refund=True)


def publish_payment(payment: Payment, event_type: str, *, session: Session) -> None:
    """Tell the clinic's systems of a payment's new state (amounts and ids, no service detail)."""
    publish(
        session=session,
        clinic_id=payment.clinic_id,
        event_type=event_type,
        data={
            "payment_id": payment.id,
            "client_id": payment.client_id,
            "appointment_id": payment.appointment_id,
            "status": payment.status.value,
            "amount": payment.amount,
            "amount_captured": payment.amount_captured,
            "amount_refunded": payment.amount_refunded,
            "currency": payment.currency,
        },
    )
