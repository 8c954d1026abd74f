"""The client's Customer at the provider: created lazily, once, with only email and our id."""

from __future__ import annotations

import uuid

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.db.unit_of_work import unit_of_work
from app.directory.models import ClientProfile
from app.identity.models import User
from billing.payments.models import BillingCustomer
from billing.payments.provider import PaymentProvider


def find_customer(
    client_id: uuid.UUID, account: str, *, session: Session
) -> BillingCustomer | None:
    """The client's customer record on an account, if one was created."""
    return session.scalar(
        select(BillingCustomer).where(
            BillingCustomer.client_id == client_id, BillingCustomer.account == account
        )
    )


@unit_of_work
def _remember_customer(
    *, session: Session, client_id: uuid.UUID, account: str, customer_id: str
) -> BillingCustomer:
    existing = session.get(BillingCustomer, (client_id, account), with_for_update=True)
    if existing is not None:
        return existing
    customer = BillingCustomer(client_id=client_id, account=account, customer_id=customer_id)
    session.add(customer)
    return customer


def customer_key(client_id: uuid.UUID, account: str) -> str:
    """The idempotency key of creating a client's customer (two racing requests make one)."""
    return f"client:{client_id}:customer:{account or 'platform'}"


def ensure_customer(
    client: ClientProfile, account: str, provider: PaymentProvider, *, session: Session
) -> BillingCustomer:
    """The client's customer on the account, created at the provider on first use."""
    existing = find_customer(client.id, account, session=session)
    if existing is not None:
        return existing
    email = session.get_one(User, client.user_id).email
    customer_id = provider.create_customer(
        email=email,
        reference=str(client.id),
        account=account,
        key=customer_key(client.id, account),
    )
    return _remember_customer(
        session=session, client_id=client.id, account=account, customer_id=customer_id
    )
