"""The payment-provider port: what billing asks of Stripe (or the local stand-in).

Every call that changes something takes an idempotency key derived from our ids and the
operation (`payment:<id>:capture`), so a retry after a timeout or a crash never repeats it.
Failures come back as billing errors: PaymentDeclined (the card's answer, final) or
ProviderUnavailable (no answer; retry with the same key).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from app.adapters import AdapterKey


@dataclass(frozen=True)
class Intent:
    """A payment intent as the provider reports it now."""

    id: str
    status: str  # Stripe's PaymentIntent statuses
    amount: int
    amount_capturable: int
    amount_received: int
    currency: str
    client_secret: str | None
    payment_method: str | None
    failure_code: str | None = None


@dataclass(frozen=True)
class Setup:
    """A card-saving intent."""

    id: str
    status: str
    client_secret: str | None
    payment_method: str | None
    customer: str | None = None


@dataclass(frozen=True)
class Card:
    """A saved card, as much as may be shown."""

    id: str
    brand: str
    last4: str
    exp_month: int
    exp_year: int


@dataclass(frozen=True)
class ProviderRefund:
    """A refund at the provider."""

    id: str
    status: str
    amount: int
    intent_id: str | None = None
    created: datetime | None = None


@dataclass(frozen=True)
class ProviderCharge:
    """A charge at the provider (for reconciliation)."""

    id: str
    intent_id: str | None
    amount_captured: int
    amount_refunded: int
    currency: str
    created: datetime


@dataclass(frozen=True)
class WebhookEvent:
    """A verified webhook event: which object changed, on which account."""

    id: str
    type: str
    object_type: str
    object_id: str
    account: str


@dataclass(frozen=True)
class ChargeRequest:
    """A new payment intent; `reference` is our payment id, the only metadata sent."""

    amount: int
    currency: str
    customer: str
    reference: str
    description: str
    capture_later: bool
    account: str
    key: str
    payment_method: str | None = None
    off_session: bool = False
    save_card: bool = False
    application_fee: int = 0


class PaymentProvider(Protocol):
    """Stripe's subset that billing uses."""

    publishable_key: str

    def create_customer(self, *, email: str, reference: str, account: str, key: str) -> str:
        """A new customer carrying only the email and our opaque id; returns its id."""
        ...

    def create_setup(self, *, customer: str, account: str, key: str) -> Setup:
        """Start saving a card for off-session use."""
        ...

    def retrieve_setup(self, setup_id: str, *, account: str) -> Setup:
        """A card-saving intent as it is now."""
        ...

    def list_cards(self, customer: str, *, account: str) -> list[Card]:
        """Every card saved for the customer."""
        ...

    def detach_card(self, card_id: str, *, account: str, key: str) -> None:
        """Forget a saved card."""
        ...

    def delete_customer(self, customer: str, *, account: str) -> None:
        """Delete a customer and its saved cards (one already gone is no error)."""
        ...

    def create_intent(self, request: ChargeRequest) -> Intent:
        """Create (and with a payment method, confirm) a payment intent."""
        ...

    def retrieve_intent(self, intent_id: str, *, account: str) -> Intent:
        """A payment intent as it is now (the truth, whatever the webhooks said)."""
        ...

    def capture(self, intent_id: str, *, amount: int, account: str, key: str) -> Intent:
        """Capture `amount` of an authorization; the rest is released."""
        ...

    def cancel(self, intent_id: str, *, account: str, key: str) -> Intent:
        """Cancel an intent that has not been captured (releases an authorization)."""
        ...

    def refund(
        self, intent_id: str, *, amount: int, reference: str, account: str, key: str
    ) -> ProviderRefund:
        """Return `amount` of a captured payment."""
        ...

    def charges(
        self, *, since: datetime, until: datetime, account: str
    ) -> Iterator[ProviderCharge]:
        """Every charge created in [since, until)."""
        ...

    def refunds(
        self, *, since: datetime, until: datetime, account: str
    ) -> Iterator[ProviderRefund]:
        """Every refund created in [since, until)."""
        ...

    def verify_webhook(self, payload: bytes, headers: Mapping[str, str]) -> WebhookEvent:
        """Check the signature on the raw body; InvalidWebhook when it does not hold."""
        ...


PAYMENT_PROVIDER: AdapterKey[PaymentProvider] = AdapterKey("payment provider")
