"""Provider webhooks: verified on the raw body, accepted once per event id, handled off-request.

The request only verifies, records the event id and queues it (all in one transaction) and
answers 200; the handler re-reads the object from the provider, so the state it applies is the
object's current one whatever order events arrive in.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.clock import utcnow
from app.db.unit_of_work import unit_of_work
from app.outbox.models import OutboxMessage
from app.outbox.queue import enqueue
from billing.exceptions import PaymentNotFound
from billing.ledger.receipts import ReceiptSettings
from billing.payments.checkout import apply_state
from billing.payments.models import BillingCustomer, Payment, ProviderEvent
from billing.payments.provider import PaymentProvider
from billing.payments.setups import remember_card
from billing.payments.topics import PROVIDER_EVENT

HANDLED_OBJECTS = frozenset({"payment_intent", "setup_intent"})


@unit_of_work
def accept_event(
    *, session: Session, payload: bytes, headers: Mapping[str, str], provider: PaymentProvider
) -> bool:
    """Verify and record the event; False when it was already accepted (a replay)."""
    event = provider.verify_webhook(payload, headers)
    if session.get(ProviderEvent, event.id) is not None:
        return False
    session.add(
        ProviderEvent(
            event_id=event.id, type=event.type, account=event.account, received_at=utcnow()
        )
    )
    if event.object_type in HANDLED_OBJECTS:
        enqueue(
            session=session,
            topic=PROVIDER_EVENT,
            payload={
                "event_id": event.id,
                "type": event.type,
                "object_type": event.object_type,
                "object_id": event.object_id,
                "account": event.account,
            },
            dedupe_key=f"{PROVIDER_EVENT}:{event.id}",
        )
    return True


@dataclass
class ProviderEventHandler:
    """Applies the current state of the object an event is about."""

    provider: PaymentProvider
    settings: ReceiptSettings

    def __call__(self, message: OutboxMessage, *, session: Session) -> None:
        """Re-read the intent or setup the event names and apply it."""
        object_id, account = message.payload["object_id"], message.payload["account"]
        if message.payload["object_type"] == "payment_intent":
            payment = session.scalar(select(Payment).where(Payment.intent_id == object_id))
            if payment is not None:
                intent = self.provider.retrieve_intent(object_id, account=account)
                apply_state(payment.id, intent, self.settings, session=session)
            return
        try:
            setup = self.provider.retrieve_setup(object_id, account=account)
        except PaymentNotFound:
            return  # not an object this account holds (any more): nothing to apply
        payment = session.scalar(select(Payment).where(Payment.setup_id == object_id))
        if payment is not None:
            apply_state(payment.id, setup, self.settings, session=session)
        elif setup.status == "succeeded" and setup.customer:
            customer = session.scalar(
                select(BillingCustomer)
                .where(
                    BillingCustomer.customer_id == setup.customer,
                    BillingCustomer.account == account,
                )
                .with_for_update()
            )
            if customer is not None and setup.payment_method:
                remember_card(customer, setup.payment_method)
