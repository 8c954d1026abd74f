"""Refunds: reserved under the payment's row lock (never more than captured), then sent.

Reserving raises `amount_refunded` in the same transaction that records the refund, checked
by the row's constraint, so concurrent requests cannot together exceed the capture. Sending
runs as an outbox message (tried at once, retried if the provider does not answer).
"""

from __future__ import annotations

import uuid

from sqlalchemy.orm import Session

from app.db.unit_of_work import run_in_transaction, unit_of_work
from app.identity.service import Principal
from app.outbox.queue import enqueue
from billing.exceptions import BillingError, ProviderUnavailable, RefundTooLarge
from billing.ledger.models import EntryKind
from billing.ledger.postings import post
from billing.ledger.receipts import ReceiptSettings, queue_refund_notice
from billing.money import Money
from billing.payments.access import visible_payment
from billing.payments.models import Payment, Refund, RefundStatus
from billing.payments.provider import PaymentProvider
from billing.payments.state import publish_payment
from billing.payments.topics import REFUND


def reserve_refund(
    payment: Payment,
    amount: int,
    *,
    reason: str | None,
    requested_by_id: uuid.UUID | None,
    session: Session,
) -> Refund:
    """Hold `amount` of the (locked) payment for a new refund and queue sending it."""
    if amount <= 0 or amount > payment.refundable:
        available = Money(payment.refundable, payment.currency).display()
        raise RefundTooLarge(
            f"At most {available} of this payment can still be refunded.",
            errors={"refundable": payment.refundable},
        )
    payment.amount_refunded += amount
    refund = Refund(
        payment_id=payment.id,
        amount=amount,
        status=RefundStatus.PENDING,
        reason=reason,
        requested_by_id=requested_by_id,
    )
    session.add(refund)
    session.flush()
    enqueue(
        session=session,
        topic=REFUND,
        payload={"refund_id": str(refund.id)},
        dedupe_key=f"{REFUND}:{refund.id}",
    )
    return refund


@unit_of_work
def request_refund(
    *,
    session: Session,
    principal: Principal,
    payment_id: uuid.UUID,
    amount: int | None,
    reason: str | None,
) -> Refund:
    """An admin refunds part or all of what is left of a captured payment."""
    payment = visible_payment(principal, payment_id, session=session, lock=True)
    return reserve_refund(
        payment,
        payment.refundable if amount is None else amount,
        reason=reason,
        requested_by_id=principal.user.id,
        session=session,
    )


def send_refund(
    refund_id: uuid.UUID,
    provider: PaymentProvider,
    settings: ReceiptSettings,
    *,
    session: Session,
) -> Refund:
    """Ask the provider for a pending refund (key `refund:<id>`) and enter it (caller's tx)."""
    refund = session.get_one(Refund, refund_id)
    if refund.status is not RefundStatus.PENDING:
        return refund
    payment = session.get_one(Payment, refund.payment_id)
    try:
        result = provider.refund(
            payment.intent_id or "",
            amount=refund.amount,
            reference=str(refund.id),
            account=payment.account,
            key=f"refund:{refund.id}",
        )
    except ProviderUnavailable:
        raise
    except BillingError as refused:
        return _refused(refund_id, refused.message, session=session)
    refund = session.get_one(Refund, refund_id, with_for_update=True, populate_existing=True)
    payment = session.get_one(Payment, refund.payment_id, with_for_update=True)
    if refund.status is RefundStatus.PENDING:
        refund.status = RefundStatus.SUCCEEDED
        refund.provider_refund_id = result.id
        post(payment, EntryKind.REFUND, refund.amount, key=f"refund:{refund.id}", session=session)
        post(
            payment,
            EntryKind.ADJUSTMENT,
            refund.amount,
            key=f"refund:{refund.id}:adjustment",
            session=session,
        )
        queue_refund_notice(payment, refund.id, refund.amount, session=session)
        publish_payment(payment, "payment.refunded", session=session)
    return refund


def _refused(refund_id: uuid.UUID, why: str, *, session: Session) -> Refund:
    """The provider refused: the refund failed and its amount is available again."""
    refund = session.get_one(Refund, refund_id, with_for_update=True, populate_existing=True)
    if refund.status is RefundStatus.PENDING:
        payment = session.get_one(Payment, refund.payment_id, with_for_update=True)
        payment.amount_refunded -= refund.amount
        refund.status = RefundStatus.FAILED
        refund.failure_code = why[:64]
    return refund


def refund_payment(
    *,
    session: Session,
    principal: Principal,
    payment_id: uuid.UUID,
    amount: int | None,
    reason: str | None,
    provider: PaymentProvider,
    settings: ReceiptSettings,
) -> Refund:
    """Reserve the refund, then send it at once (the outbox retries it if the provider is down)."""
    refund = request_refund(
        session=session, principal=principal, payment_id=payment_id, amount=amount, reason=reason
    )
    try:
        return run_in_transaction(
            lambda: send_refund(refund.id, provider, settings, session=session), session=session
        )
    except ProviderUnavailable:
        return session.get_one(Refund, refund.id, populate_existing=True)
