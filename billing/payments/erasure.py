"""Erasing a client: their customer at the payment provider (email, saved cards) is deleted.

In the erasure's transaction the customer rows go and one outbox message per customer is queued;
the worker then asks the provider to delete it, retried on its own if the provider is down.
Payments and refunds stay (the billing minimum), tied to the pseudonymised client.
"""

from __future__ import annotations

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from app.outbox.models import OutboxMessage
from app.outbox.queue import enqueue
from app.privacy_rights.export import Subject
from billing.payments.models import BillingCustomer
from billing.payments.provider import PaymentProvider

FORGET_CUSTOMER = "billing.forget_customer"  # payload: customer_id, account


def forget_customers(session: Session, subject: Subject) -> None:
    """Queue the deletion of the person's provider customers and drop our rows (no commit)."""
    if subject.client_id is None:
        return
    customers = session.scalars(
        select(BillingCustomer).where(BillingCustomer.client_id == subject.client_id)
    ).all()
    for customer in customers:
        enqueue(
            session=session,
            topic=FORGET_CUSTOMER,
            dedupe_key=f"{FORGET_CUSTOMER}:{customer.account}:{customer.customer_id}",
            payload={"customer_id": customer.customer_id, "account": customer.account},
        )
    session.execute(delete(BillingCustomer).where(BillingCustomer.client_id == subject.client_id))


class CustomerDeletion:
    """The `billing.forget_customer` handler."""

    def __init__(self, provider: PaymentProvider) -> None:
        self.provider = provider

    def __call__(self, message: OutboxMessage, *, session: Session) -> None:
        """Delete the customer at the provider (an unknown one is already gone)."""
        self.provider.delete_customer(
            message.payload["customer_id"], account=message.payload["account"]
        )
