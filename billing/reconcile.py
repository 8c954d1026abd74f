"""Reconciliation: our payments and refunds against the provider's charges and refunds."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from billing.ledger.models import EntryKind, LedgerEntry
from billing.payments.models import PLATFORM, Payment, Refund, RefundStatus
from billing.payments.provider import PaymentProvider
from billing.pricing.models import BillingPolicy


@dataclass(frozen=True)
class Difference:
    """One disagreement between our ledger and the provider, in minor units."""

    account: str
    reference: str  # the provider's intent or refund id
    problem: str
    ours: int
    theirs: int

    def describe(self) -> str:
        """One line for people."""
        where = self.account or "platform"
        return (
            f"[{where}] {self.reference}: {self.problem} (ours {self.ours}, Stripe {self.theirs})"
        )


def accounts(*, session: Session) -> list[str]:
    """The platform account and every clinic's connected account."""
    connected = session.scalars(
        select(BillingPolicy.stripe_account_id).where(BillingPolicy.stripe_account_id.is_not(None))
    )
    return [PLATFORM, *sorted({account for account in connected if account})]


def _our_captures(
    session: Session, account: str, since: datetime, until: datetime
) -> dict[str, int]:
    """Intent id -> captured amount, for captures we entered in the window."""
    rows = session.execute(
        select(Payment.intent_id, Payment.amount_captured)
        .join(LedgerEntry, LedgerEntry.payment_id == Payment.id)
        .where(
            Payment.account == account,
            LedgerEntry.kind == EntryKind.PAYMENT,
            LedgerEntry.at >= since,
            LedgerEntry.at < until,
        )
    )
    return {intent: amount for intent, amount in rows if intent}


def _check_charges(
    session: Session, provider: PaymentProvider, account: str, since: datetime, until: datetime
) -> Iterator[Difference]:
    ours = _our_captures(session, account, since, until)
    seen: set[str] = set()
    for charge in provider.charges(since=since, until=until, account=account):
        if charge.intent_id is None or charge.amount_captured == 0:
            continue
        seen.add(charge.intent_id)
        payment = session.scalar(select(Payment).where(Payment.intent_id == charge.intent_id))
        if payment is None:
            yield Difference(
                account, charge.intent_id, "charge unknown to us", 0, charge.amount_captured
            )
        elif payment.amount_captured != charge.amount_captured:
            yield Difference(
                account,
                charge.intent_id,
                "captured amounts differ",
                payment.amount_captured,
                charge.amount_captured,
            )
        elif payment.amount_refunded != charge.amount_refunded:
            yield Difference(
                account,
                charge.intent_id,
                "refunded amounts differ",
                payment.amount_refunded,
                charge.amount_refunded,
            )
    for intent_id, amount in ours.items():
        if intent_id not in seen:
            yield Difference(
                account, intent_id, "captured in our ledger, no charge at Stripe", amount, 0
            )


def _check_refunds(
    session: Session, provider: PaymentProvider, account: str, since: datetime, until: datetime
) -> Iterator[Difference]:
    seen: set[str] = set()
    for refund in provider.refunds(since=since, until=until, account=account):
        seen.add(refund.id)
        ours = session.scalar(select(Refund).where(Refund.provider_refund_id == refund.id))
        if ours is None:
            yield Difference(account, refund.id, "refund unknown to us", 0, refund.amount)
        elif ours.amount != refund.amount:
            yield Difference(
                account, refund.id, "refund amounts differ", ours.amount, refund.amount
            )
    recorded = session.scalars(
        select(Refund)
        .join(Payment, Payment.id == Refund.payment_id)
        .where(
            Payment.account == account,
            Refund.status == RefundStatus.SUCCEEDED,
            Refund.updated_at >= since,
            Refund.updated_at < until,
        )
    )
    for refund_row in recorded:
        if refund_row.provider_refund_id not in seen:
            yield Difference(
                account,
                refund_row.provider_refund_id or str(refund_row.id),
                "refunded in our ledger, no refund at Stripe",
                refund_row.amount,
                0,
            )


def reconcile(
    *, session: Session, provider: PaymentProvider, since: datetime, until: datetime
) -> list[Difference]:
    """Every difference between our ledger and the provider's records in [since, until)."""
    differences: list[Difference] = []
    for account in accounts(session=session):
        differences += _check_charges(session, provider, account, since, until)
        differences += _check_refunds(session, provider, account, since, until)
    return differences
