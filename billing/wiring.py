"""Billing's part of building an app: its provider, the payment gate, handlers and jobs."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from app.adapters import Adapters
from app.outbox.handlers import OutboxHandlers, PeriodicJob
from app.privacy_rights.erasure import ERASERS
from app.privacy_rights.export import EXPORTS, TableExport, by_client, of_clients_rows
from billing.ledger.receipts import RECEIPT_SETTINGS, ReceiptSettings
from billing.payments import topics
from billing.payments.charging import PaymentWork
from billing.payments.disabled_provider import DisabledProvider
from billing.payments.erasure import FORGET_CUSTOMER, CustomerDeletion, forget_customers
from billing.payments.gate import BillingGate
from billing.payments.local_provider import LocalProvider
from billing.payments.provider import PAYMENT_PROVIDER, PaymentProvider
from billing.payments.reactions import on_appointment_status
from billing.payments.stripe_provider import StripeProvider, StripeSettings
from billing.payments.sweeps import capture_unmarked_sessions, release_lapsed_holds
from billing.payments.webhooks import ProviderEventHandler
from scheduling.appointments.events import APPOINTMENT_STATUS_CHANGED
from scheduling.appointments.payment_gate import PAYMENT_GATE

BILLING_EXPORTS = (
    TableExport("billing_customers", by_client()),
    TableExport("coverages", by_client()),
    TableExport("agreed_rates", by_client()),
    TableExport("payments", by_client()),
    TableExport("refunds", of_clients_rows("payment_id", "payments")),
    TableExport("ledger_entries", by_client()),
    TableExport("good_faith_estimates", by_client()),
    TableExport("session_codings", of_clients_rows("appointment_id", "appointments")),
)


def register(*, adapters: Adapters, handlers: OutboxHandlers, config: dict[str, Any]) -> None:
    """Install billing's adapters and handle its outbox topics."""
    provider = provider_from(config)
    settings = ReceiptSettings(app_url=config["PUBLIC_APP_URL"])
    adapters.install(PAYMENT_PROVIDER, provider)
    adapters.install(RECEIPT_SETTINGS, settings)
    adapters.install(PAYMENT_GATE, BillingGate())
    adapters.get(EXPORTS).add(*BILLING_EXPORTS)
    adapters.get(ERASERS).add(forget_customers)
    handlers.register(FORGET_CUSTOMER, CustomerDeletion(provider))
    work = PaymentWork(provider, settings)
    handlers.register(APPOINTMENT_STATUS_CHANGED, on_appointment_status)
    handlers.register(topics.CHARGE, work.charge)
    handlers.register(topics.CAPTURE, work.capture)
    handlers.register(topics.RELEASE, work.release)
    handlers.register(topics.REFUND, work.refund)
    handlers.register(topics.PROVIDER_EVENT, ProviderEventHandler(provider, settings))
    handlers.add_job(
        PeriodicJob("billing-lapsed-holds", every=timedelta(minutes=1), run=release_lapsed_holds)
    )
    handlers.add_job(
        PeriodicJob(
            "billing-unmarked-sessions", every=timedelta(minutes=15), run=capture_unmarked_sessions
        )
    )


def provider_from(config: dict[str, Any]) -> PaymentProvider:
    """Stripe when STRIPE_SECRET_KEY is set; else local in development, refused in production."""
    if config["STRIPE_SECRET_KEY"]:
        return StripeProvider(
            StripeSettings(
                secret_key=config["STRIPE_SECRET_KEY"],
                publishable_key=config["STRIPE_PUBLISHABLE_KEY"],
                webhook_secret=config["STRIPE_WEBHOOK_SECRET"],
                api_base=config["STRIPE_API_BASE"],
                timeout_seconds=config["STRIPE_TIMEOUT_SECONDS"],
                webhook_tolerance_seconds=config["STRIPE_WEBHOOK_TOLERANCE_SECONDS"],
            )
        )
    if config["APP_ENV"] == "production":
        return DisabledProvider()
    return LocalProvider()
