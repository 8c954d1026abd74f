"""The provider of a production app without Stripe keys: every payment call is refused."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from datetime import datetime
from typing import NoReturn

from billing.exceptions import InvalidWebhook, ProviderUnavailable
from billing.payments.provider import (
    Card,
    ChargeRequest,
    Intent,
    ProviderCharge,
    ProviderRefund,
    Setup,
    WebhookEvent,
)


def _refuse() -> NoReturn:
    raise ProviderUnavailable("Payments are not configured on this server (no Stripe keys).")


class DisabledProvider:
    """PaymentProvider that refuses everything (clinics collecting nothing never reach it)."""

    publishable_key = ""

    def create_customer(self, *, email: str, reference: str, account: str, key: str) -> str:
        """Refused."""
        _refuse()

    def create_setup(self, *, customer: str, account: str, key: str) -> Setup:
        """Refused."""
        _refuse()

    def retrieve_setup(self, setup_id: str, *, account: str) -> Setup:
        """Refused."""
        _refuse()

    def list_cards(self, customer: str, *, account: str) -> list[Card]:
        """Refused."""
        _refuse()

    def detach_card(self, card_id: str, *, account: str, key: str) -> None:
        """Refused."""
        _refuse()

    def delete_customer(self, customer: str, *, account: str) -> None:
        """Nothing to delete: no customer was ever created without a provider."""

    def create_intent(self, request: ChargeRequest) -> Intent:
        """Refused."""
        _refuse()

    def retrieve_intent(self, intent_id: str, *, account: str) -> Intent:
        """Refused."""
        _refuse()

    def capture(self, intent_id: str, *, amount: int, account: str, key: str) -> Intent:
        """Refused."""
        _refuse()

    def cancel(self, intent_id: str, *, account: str, key: str) -> Intent:
        """Refused."""
        _refuse()

    def refund(
        self, intent_id: str, *, amount: int, reference: str, account: str, key: str
    ) -> ProviderRefund:
        """Refused."""
        _refuse()

    def charges(
        self, *, since: datetime, until: datetime, account: str
    ) -> Iterator[ProviderCharge]:
        """Refused."""
        _refuse()

    def refunds(
        self, *, since: datetime, until: datetime, account: str
    ) -> Iterator[ProviderRefund]:
        """Refused."""
        _refuse()

    def verify_webhook(self, payload: bytes, headers: Mapping[str, str]) -> WebhookEvent:
        """No webhooks without a secret."""
        raise InvalidWebhook("Webhooks are not configured (no STRIPE_WEBHOOK_SECRET).")
