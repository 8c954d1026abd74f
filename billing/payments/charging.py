"""Outbox handlers that move money at the provider: off-session charges, captures, releases.

Each runs in the worker's transaction: the provider is called with the payment's idempotency
key, then the answer is applied under the payment's row lock. A crash or timeout between the
two is retried by the worker with the same key, so the provider acts once.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from sqlalchemy.orm import Session

from app.outbox.models import OutboxMessage
from billing.exceptions import PaymentDeclined
from billing.ledger.models import EntryKind
from billing.ledger.postings import MEMOS, post
from billing.ledger.receipts import ReceiptSettings
from billing.payments.checkout import apply_state, intent_key
from billing.payments.customers import find_customer
from billing.payments.models import Payment, PaymentStatus, Purpose
from billing.payments.provider import ChargeRequest, PaymentProvider
from billing.payments.refunds import reserve_refund, send_refund
from billing.payments.state import record_failure
from scheduling.appointments.models import Appointment, AppointmentStatus

CHARGEABLE = frozenset(
    {
        AppointmentStatus.BOOKED,
        AppointmentStatus.ARRIVED,
        AppointmentStatus.FULFILLED,
        AppointmentStatus.NOSHOW,
    }
)


def _payment(message: OutboxMessage, *, session: Session, lock: bool = False) -> Payment:
    payment_id = uuid.UUID(message.payload["payment_id"])
    return session.get_one(Payment, payment_id, with_for_update=lock, populate_existing=lock)


@dataclass
class PaymentWork:
    """The provider and settings the billing handlers share."""

    provider: PaymentProvider
    settings: ReceiptSettings

    def charge(self, message: OutboxMessage, *, session: Session) -> None:
        """Charge a scheduled payment off-session with the client's saved card."""
        payment = _payment(message, session=session)
        if payment.status is not PaymentStatus.SCHEDULED:
            return
        if payment.purpose is Purpose.SESSION and not self._still_held(payment, session=session):
            return  # the appointment was cancelled: its release message settles the payment
        customer = find_customer(payment.client_id, payment.account, session=session)
        if customer is None or customer.default_card_id is None:
            record_failure(
                _payment(message, session=session, lock=True),
                "no_saved_card",
                self.settings,
                session=session,
            )
            return
        try:
            intent = self.provider.create_intent(
                ChargeRequest(
                    amount=payment.amount,
                    currency=payment.currency,
                    customer=customer.customer_id,
                    reference=str(payment.id),
                    description=MEMOS[payment.purpose],
                    capture_later=payment.capture_later,
                    account=payment.account,
                    key=intent_key(payment),
                    payment_method=customer.default_card_id,
                    off_session=True,
                    application_fee=payment.application_fee,
                )
            )
        except PaymentDeclined as declined:
            payment = _payment(message, session=session, lock=True)
            payment.intent_id = payment.intent_id or declined.intent_id
            if payment.status is PaymentStatus.SCHEDULED:
                record_failure(payment, declined.code, self.settings, session=session)
            return
        payment = _payment(message, session=session, lock=True)
        payment.intent_id = payment.intent_id or intent.id
        apply_state(payment.id, intent, self.settings, session=session)

    def capture(self, message: OutboxMessage, *, session: Session) -> None:
        """Capture an authorized session payment once the session was held."""
        payment = _payment(message, session=session)
        if payment.status is not PaymentStatus.AUTHORIZED or payment.intent_id is None:
            return
        intent = self.provider.capture(
            payment.intent_id,
            amount=payment.amount,
            account=payment.account,
            key=f"payment:{payment.id}:capture",
        )
        apply_state(payment.id, intent, self.settings, session=session)

    def release(self, message: OutboxMessage, *, session: Session) -> None:
        """Collect nothing more: cancel an uncaptured intent, refund what was captured."""
        payment = _payment(message, session=session)
        if payment.status is PaymentStatus.CANCELED:
            return
        if payment.intent_id is not None and payment.status is not PaymentStatus.CAPTURED:
            intent = self.provider.retrieve_intent(payment.intent_id, account=payment.account)
            if intent.status not in ("succeeded", "canceled"):
                intent = self.provider.cancel(
                    payment.intent_id, account=payment.account, key=f"payment:{payment.id}:cancel"
                )
            payment = apply_state(payment.id, intent, self.settings, session=session)
        payment = _payment(message, session=session, lock=True)
        if payment.status is PaymentStatus.CAPTURED:
            if message.payload.get("refund") and payment.refundable > 0:
                reserve_refund(
                    payment,
                    payment.refundable,
                    reason="cancelled",
                    requested_by_id=None,
                    session=session,
                )
            return
        if payment.purpose is not Purpose.SESSION:
            post(payment, EntryKind.ADJUSTMENT, payment.amount, key="waived", session=session)
        payment.status = PaymentStatus.CANCELED

    def refund(self, message: OutboxMessage, *, session: Session) -> None:
        """Send a reserved refund to the provider."""
        refund_id = uuid.UUID(message.payload["refund_id"])
        send_refund(refund_id, self.provider, self.settings, session=session)

    @staticmethod
    def _still_held(payment: Payment, *, session: Session) -> bool:
        if payment.appointment_id is None:
            return True
        appointment = session.get_one(Appointment, payment.appointment_id)
        return appointment.status in CHARGEABLE
