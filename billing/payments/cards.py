"""A client's saved cards: save one (SetupIntent), list, remove; the default pays later charges."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from sqlalchemy.orm import Session

from app.db.unit_of_work import unit_of_work
from app.directory.models import Clinic
from app.identity.service import Principal
from billing.exceptions import PaymentNotFound
from billing.payments.customers import ensure_customer, find_customer
from billing.payments.models import PLATFORM, BillingCustomer
from billing.payments.provider import Card, PaymentProvider, Setup
from billing.payments.setups import remember_card
from billing.pricing.service import account_of, billing_policy
from scheduling.appointments.access import client_profile_of


@dataclass(frozen=True)
class SavedCard:
    """A card as the client sees it."""

    card: Card
    is_default: bool


def _account(clinic_id: uuid.UUID | None, *, session: Session) -> str:
    """The account cards are saved on: the clinic's connected account, or the platform's."""
    if clinic_id is None:
        return PLATFORM
    if session.get(Clinic, clinic_id) is None:
        raise PaymentNotFound("No clinic with this id.")
    return account_of(billing_policy(clinic_id, session=session))


def start_card_setup(
    *,
    session: Session,
    principal: Principal,
    provider: PaymentProvider,
    clinic_id: uuid.UUID | None = None,
) -> Setup:
    """Begin saving a card; the frontend completes it with Stripe's SDK and the client secret."""
    client = client_profile_of(principal, session=session)
    account = _account(clinic_id, session=session)
    customer = ensure_customer(client, account, provider, session=session)
    return provider.create_setup(
        customer=customer.customer_id, account=account, key=f"setup:{uuid.uuid4()}"
    )


@unit_of_work
def _make_default(
    *, session: Session, client_id: uuid.UUID, account: str, card_id: str | None
) -> BillingCustomer:
    customer = session.get_one(BillingCustomer, (client_id, account), with_for_update=True)
    remember_card(customer, card_id)
    return customer


def finish_card_setup(
    *,
    session: Session,
    principal: Principal,
    provider: PaymentProvider,
    setup_id: str,
    clinic_id: uuid.UUID | None = None,
) -> list[SavedCard]:
    """Re-read a setup from the provider; a succeeded one's card becomes the default."""
    client = client_profile_of(principal, session=session)
    account = _account(clinic_id, session=session)
    customer = find_customer(client.id, account, session=session)
    setup = provider.retrieve_setup(setup_id, account=account)
    if customer is None or setup.customer != customer.customer_id:
        raise PaymentNotFound("No card setup with this id.")
    if setup.status == "succeeded":
        _make_default(
            session=session, client_id=client.id, account=account, card_id=setup.payment_method
        )
    return list_cards(session=session, principal=principal, provider=provider, clinic_id=clinic_id)


def list_cards(
    *,
    session: Session,
    principal: Principal,
    provider: PaymentProvider,
    clinic_id: uuid.UUID | None = None,
) -> list[SavedCard]:
    """The client's saved cards on the account, the default marked."""
    client = client_profile_of(principal, session=session)
    customer = find_customer(client.id, _account(clinic_id, session=session), session=session)
    if customer is None:
        return []
    cards = provider.list_cards(customer.customer_id, account=customer.account)
    return [SavedCard(card, card.id == customer.default_card_id) for card in cards]


def remove_card(
    *,
    session: Session,
    principal: Principal,
    provider: PaymentProvider,
    card_id: str,
    clinic_id: uuid.UUID | None = None,
) -> None:
    """Detach one of the client's cards (another's card id is 404)."""
    client = client_profile_of(principal, session=session)
    account = _account(clinic_id, session=session)
    customer = find_customer(client.id, account, session=session)
    owned = customer is not None and any(
        card.id == card_id for card in provider.list_cards(customer.customer_id, account=account)
    )
    if customer is None or not owned:
        raise PaymentNotFound("No saved card with this id.")
    provider.detach_card(card_id, account=account, key=f"detach:{client.id}:{card_id}")
    if customer.default_card_id == card_id:
        _make_default(session=session, client_id=client.id, account=account, card_id=None)
