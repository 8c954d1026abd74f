"""A payment provider for development without Stripe keys: every card works, state is in memory.

Intents are approved as soon as they are created, as if the client had entered a test card in
the frontend; captures, cancels and refunds behave like Stripe's. Nothing leaves the process.
"""

from __future__ import annotations

import secrets
import threading
from collections.abc import Iterator, Mapping
from dataclasses import replace
from datetime import datetime

from app.clock import utcnow
from billing.exceptions import InvalidWebhook, PaymentStateConflict
from billing.payments.provider import (
    Card,
    ChargeRequest,
    Intent,
    ProviderCharge,
    ProviderRefund,
    Setup,
    WebhookEvent,
)

LOCAL_CARD = Card(id="pm_local_visa", brand="visa", last4="4242", exp_month=12, exp_year=2099)


def _new_id(prefix: str) -> str:
    return f"{prefix}_local_{secrets.token_hex(8)}"


class LocalProvider:
    """PaymentProvider kept in memory, idempotent by key like Stripe."""

    publishable_key = "pk_local"

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._by_key: dict[str, object] = {}
        self._intents: dict[str, Intent] = {}
        self._created: dict[str, datetime] = {}
        self._refunds: list[ProviderRefund] = []
        self._cards: dict[str, list[Card]] = {}

    def _once(self, key: str, make: object) -> object:
        with self._lock:
            if key not in self._by_key:
                self._by_key[key] = make() if callable(make) else make
            return self._by_key[key]

    def create_customer(self, *, email: str, reference: str, account: str, key: str) -> str:
        """A local customer id."""
        return str(self._once(key, lambda: _new_id("cus")))

    def create_setup(self, *, customer: str, account: str, key: str) -> Setup:
        """Saving a card succeeds at once with the local test card."""
        self._cards[customer] = [LOCAL_CARD]
        setup = Setup(_new_id("seti"), "succeeded", f"{_new_id('seti')}_secret", LOCAL_CARD.id)
        return self._once(key, setup)  # type: ignore[return-value]

    def retrieve_setup(self, setup_id: str, *, account: str) -> Setup:
        """Every local setup has succeeded."""
        return Setup(setup_id, "succeeded", None, LOCAL_CARD.id)

    def list_cards(self, customer: str, *, account: str) -> list[Card]:
        """The local test card once a setup ran."""
        return list(self._cards.get(customer, []))

    def detach_card(self, card_id: str, *, account: str, key: str) -> None:
        """Forget the card everywhere."""
        for cards in self._cards.values():
            cards[:] = [card for card in cards if card.id != card_id]

    def delete_customer(self, customer: str, *, account: str) -> None:
        """Forget the customer's cards."""
        self._cards.pop(customer, None)

    def create_intent(self, request: ChargeRequest) -> Intent:
        """An intent already authorized (manual capture) or paid."""

        def make() -> Intent:
            intent = Intent(
                id=_new_id("pi"),
                status="requires_capture" if request.capture_later else "succeeded",
                amount=request.amount,
                amount_capturable=request.amount if request.capture_later else 0,
                amount_received=0 if request.capture_later else request.amount,
                currency=request.currency,
                client_secret=f"{_new_id('pi')}_secret",
                payment_method=request.payment_method or LOCAL_CARD.id,
            )
            self._intents[intent.id] = intent
            self._created[intent.id] = utcnow()
            return intent

        return self._once(request.key, make)  # type: ignore[return-value]

    def retrieve_intent(self, intent_id: str, *, account: str) -> Intent:
        """The intent now."""
        return self._intents[intent_id]

    def capture(self, intent_id: str, *, amount: int, account: str, key: str) -> Intent:
        """Capture part of an authorization."""

        def make() -> Intent:
            intent = self._intents[intent_id]
            if intent.status != "requires_capture" or amount > intent.amount_capturable:
                raise PaymentStateConflict("This payment cannot be captured.")
            captured = replace(
                intent, status="succeeded", amount_capturable=0, amount_received=amount
            )
            self._intents[intent_id] = captured
            return captured

        return self._once(key, make)  # type: ignore[return-value]

    def cancel(self, intent_id: str, *, account: str, key: str) -> Intent:
        """Release an authorization."""

        def make() -> Intent:
            intent = self._intents[intent_id]
            if intent.status == "succeeded":
                raise PaymentStateConflict("A captured payment is refunded, not cancelled.")
            canceled = replace(intent, status="canceled", amount_capturable=0)
            self._intents[intent_id] = canceled
            return canceled

        return self._once(key, make)  # type: ignore[return-value]

    def refund(
        self, intent_id: str, *, amount: int, reference: str, account: str, key: str
    ) -> ProviderRefund:
        """Record a refund."""

        def make() -> ProviderRefund:
            refund = ProviderRefund(_new_id("re"), "succeeded", amount, intent_id, utcnow())
            self._refunds.append(refund)
            return refund

        return self._once(key, make)  # type: ignore[return-value]

    def charges(
        self, *, since: datetime, until: datetime, account: str
    ) -> Iterator[ProviderCharge]:
        """Captured local intents created in the window."""
        for intent_id, intent in list(self._intents.items()):
            created = self._created[intent_id]
            if since <= created < until and intent.amount_received:
                refunded = sum(r.amount for r in self._refunds if r.intent_id == intent_id)
                yield ProviderCharge(
                    f"ch_{intent_id}",
                    intent_id,
                    intent.amount_received,
                    refunded,
                    intent.currency,
                    created,
                )

    def refunds(
        self, *, since: datetime, until: datetime, account: str
    ) -> Iterator[ProviderRefund]:
        """Local refunds created in the window."""
        for refund in list(self._refunds):
            if refund.created and since <= refund.created < until:
                yield refund

    def verify_webhook(self, payload: bytes, headers: Mapping[str, str]) -> WebhookEvent:
        """The local provider sends no webhooks."""
        raise InvalidWebhook("Webhooks are not configured (no STRIPE_WEBHOOK_SECRET).")
