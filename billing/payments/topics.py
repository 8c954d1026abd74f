"""Billing's outbox topics: each provider call runs in its own message, retried alone."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.outbox.models import OutboxMessage
from app.outbox.queue import enqueue
from billing.payments.models import Payment

CHARGE = "billing.charge"  # charge a scheduled payment off-session with the saved card
CAPTURE = "billing.capture"  # capture an authorization once the session was held
RELEASE = "billing.release"  # nothing more will be collected: cancel, or refund what was taken
REFUND = "billing.refund"  # send a requested refund to the provider
PROVIDER_EVENT = "billing.provider_event"  # a verified webhook event, handled off the request


def queue_payment_work(
    topic: str, payment: Payment, *, session: Session, at: datetime | None = None, **extra: object
) -> None:
    """Queue one piece of provider work for a payment, once per payment and attempt."""
    session.flush()
    key = f"{topic}:{payment.id}:{payment.attempt}"
    if session.scalar(select(OutboxMessage.id).where(OutboxMessage.dedupe_key == key)):
        return
    enqueue(
        session=session,
        topic=topic,
        payload={"payment_id": str(payment.id), **extra},
        available_at=at,
        dedupe_key=key,
    )
