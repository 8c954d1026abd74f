"""The payment provider through the real `stripe` library (Stripe or a compatible server)."""

from __future__ import annotations

import logging
import math
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, TypeVar

import stripe

from billing.exceptions import (
    InvalidWebhook,
    PaymentDeclined,
    PaymentNotFound,
    PaymentStateConflict,
    ProviderUnavailable,
)
from billing.payments.provider import (
    Card,
    ChargeRequest,
    Intent,
    ProviderCharge,
    ProviderRefund,
    Setup,
    WebhookEvent,
)

logger = logging.getLogger(__name__)
T = TypeVar("T")
NEUTRAL_DESCRIPTOR = "APPT"  # statement descriptor suffix: says nothing about the service


@dataclass(frozen=True)
class StripeSettings:
    """Keys and where Stripe is (a local server in tests)."""

    secret_key: str
    publishable_key: str
    webhook_secret: str
    api_base: str | None = None
    timeout_seconds: float = 20.0
    webhook_tolerance_seconds: int = 300


def _plain(obj: Any) -> dict[str, Any]:
    """A stripe object as plain data (StripeObject is not a dict since stripe-python 15)."""
    return obj.to_dict() if hasattr(obj, "to_dict") else dict(obj)


def _intent(stripe_object: Any) -> Intent:
    obj = _plain(stripe_object)
    error = obj.get("last_payment_error")
    method = obj.get("payment_method")
    return Intent(
        id=obj["id"],
        status=obj["status"],
        amount=obj["amount"],
        amount_capturable=obj.get("amount_capturable") or 0,
        amount_received=obj.get("amount_received") or 0,
        currency=obj["currency"].upper(),
        client_secret=obj.get("client_secret"),
        payment_method=method if isinstance(method, str) or method is None else method["id"],
        failure_code=(error.get("decline_code") or error.get("code")) if error else None,
    )


def _setup(stripe_object: Any) -> Setup:
    obj = _plain(stripe_object)
    method = obj.get("payment_method")
    return Setup(
        id=obj["id"],
        status=obj["status"],
        client_secret=obj.get("client_secret"),
        payment_method=method if isinstance(method, str) or method is None else method["id"],
        customer=_id_of(obj.get("customer")),
    )


def _id_of(value: Any) -> str | None:
    return value if isinstance(value, str) or value is None else str(value["id"])


def _stamp(seconds: int) -> datetime:
    return datetime.fromtimestamp(seconds, tz=UTC)


class StripeProvider:
    """PaymentProvider over stripe-python's StripeClient; no automatic retries (we own them)."""

    def __init__(self, settings: StripeSettings) -> None:
        self.settings = settings
        self.publishable_key = settings.publishable_key
        addresses: Any = {"api": settings.api_base} if settings.api_base else None
        self.client = stripe.StripeClient(
            settings.secret_key,
            base_addresses=addresses,
            max_network_retries=0,
            http_client=stripe.RequestsClient(timeout=settings.timeout_seconds),
        )

    def _call(self, operation: Callable[[], T]) -> T:
        """Run one Stripe call, turning its errors into billing errors."""
        try:
            return operation()
        except stripe.CardError as error:
            detail = error.error
            code = (detail.decline_code if detail else None) or error.code or "card_declined"
            intent = detail.payment_intent if detail else None
            raise PaymentDeclined(
                "The card was declined or needs the cardholder to authenticate.",
                code=code,
                intent_id=intent["id"] if intent else None,
            ) from error
        except stripe.InvalidRequestError as error:
            if error.code == "resource_missing":
                raise PaymentNotFound("No such payment object at the provider.") from error
            raise PaymentStateConflict(
                f"The payment provider refused the request ({error.code or 'invalid_request'}).",
                errors={"code": error.code or "invalid_request"},
            ) from error
        except stripe.IdempotencyError as error:
            detail = error.error
            raise PaymentStateConflict(
                f"The payment provider refused the request ({error.code or 'invalid_request'}).",
                errors={
                    "code": error.code or "invalid_request",
                    "param": detail.param if detail else None,
                },
            ) from error
        except (stripe.APIConnectionError, stripe.RateLimitError, stripe.APIError) as error:
            logger.warning("payment provider unavailable", extra={"error": type(error).__name__})
            raise ProviderUnavailable("The payment provider did not answer; try again.") from error

    @staticmethod
    def _options(account: str, key: str | None = None) -> Any:
        options: dict[str, str] = {}
        if account:
            options["stripe_account"] = account
        if key:
            options["idempotency_key"] = key
        return options

    def create_customer(self, *, email: str, reference: str, account: str, key: str) -> str:
        """A customer with the email and our opaque id, nothing else."""
        params: Any = {"email": email, "metadata": {"reference": reference}}
        customer = self._call(
            lambda: self.client.v1.customers.create(params, self._options(account, key))
        )
        return str(customer["id"])

    def create_setup(self, *, customer: str, account: str, key: str) -> Setup:
        """A SetupIntent for saving a card for later off-session charges."""
        params: Any = {
            "customer": customer,
            "usage": "off_session",
            "payment_method_types": ["card"],
        }
        return _setup(
            self._call(
                lambda: self.client.v1.setup_intents.create(params, self._options(account, key))
            )
        )

    def retrieve_setup(self, setup_id: str, *, account: str) -> Setup:
        """The SetupIntent now."""
        return _setup(
            self._call(
                lambda: self.client.v1.setup_intents.retrieve(
                    setup_id, None, self._options(account)
                )
            )
        )

    def list_cards(self, customer: str, *, account: str) -> list[Card]:
        """The customer's saved cards."""
        params: Any = {"customer": customer, "type": "card", "limit": 100}
        page = self._call(
            lambda: self.client.v1.payment_methods.list(params, self._options(account))
        )
        return [
            Card(
                id=method["id"],
                brand=method["card"]["brand"],
                last4=method["card"]["last4"],
                exp_month=method["card"]["exp_month"],
                exp_year=method["card"]["exp_year"],
            )
            for method in page.auto_paging_iter()
        ]

    def detach_card(self, card_id: str, *, account: str, key: str) -> None:
        """Detach a saved card from its customer."""
        self._call(
            lambda: self.client.v1.payment_methods.detach(
                card_id, None, self._options(account, key)
            )
        )

    def delete_customer(self, customer: str, *, account: str) -> None:
        """Delete the customer at Stripe: its email and saved cards go (DELETE is idempotent)."""
        try:
            self._call(
                lambda: self.client.v1.customers.delete(customer, None, self._options(account))
            )
        except PaymentNotFound:
            return  # deleted before (a retry after a lost answer)

    def create_intent(self, request: ChargeRequest) -> Intent:
        """A PaymentIntent with neutral text; confirmed at once when a card is given."""
        params: dict[str, Any] = {
            "amount": request.amount,
            "currency": request.currency.lower(),
            "customer": request.customer,
            "description": request.description,
            "statement_descriptor_suffix": NEUTRAL_DESCRIPTOR,
            "metadata": {"reference": request.reference},
            "capture_method": "manual" if request.capture_later else "automatic",
        }
        if request.payment_method:
            params.update(payment_method=request.payment_method, confirm=True)
            if request.off_session:
                params["off_session"] = True
        else:
            params["payment_method_types"] = ["card"]
        if request.save_card and not request.off_session:
            params["setup_future_usage"] = "off_session"
        if request.account and request.application_fee:
            params["application_fee_amount"] = request.application_fee
        options = self._options(request.account, request.key)
        body: Any = params
        return _intent(self._call(lambda: self.client.v1.payment_intents.create(body, options)))

    def retrieve_intent(self, intent_id: str, *, account: str) -> Intent:
        """The PaymentIntent now."""
        options = self._options(account)
        return _intent(
            self._call(lambda: self.client.v1.payment_intents.retrieve(intent_id, None, options))
        )

    def capture(self, intent_id: str, *, amount: int, account: str, key: str) -> Intent:
        """Capture part or all of an authorization."""
        params: Any = {"amount_to_capture": amount}
        options = self._options(account, key)
        return _intent(
            self._call(lambda: self.client.v1.payment_intents.capture(intent_id, params, options))
        )

    def cancel(self, intent_id: str, *, account: str, key: str) -> Intent:
        """Cancel an uncaptured PaymentIntent."""
        options = self._options(account, key)
        return _intent(
            self._call(lambda: self.client.v1.payment_intents.cancel(intent_id, None, options))
        )

    def refund(
        self, intent_id: str, *, amount: int, reference: str, account: str, key: str
    ) -> ProviderRefund:
        """Refund part of a captured PaymentIntent."""
        params: Any = {
            "payment_intent": intent_id,
            "amount": amount,
            "metadata": {"reference": reference},
        }
        refund = self._call(
            lambda: self.client.v1.refunds.create(params, self._options(account, key))
        )
        return ProviderRefund(
            id=refund["id"], status=refund["status"], amount=refund["amount"], intent_id=intent_id
        )

    def charges(
        self, *, since: datetime, until: datetime, account: str
    ) -> Iterator[ProviderCharge]:
        """Charges created in the window, every page."""
        params: Any = {
            "created": {"gte": math.floor(since.timestamp()), "lt": math.ceil(until.timestamp())},
            "limit": 100,
        }
        page = self._call(lambda: self.client.v1.charges.list(params, self._options(account)))
        for charge in page.auto_paging_iter():
            intent = charge["payment_intent"]
            yield ProviderCharge(
                id=charge["id"],
                intent_id=intent if isinstance(intent, str) or intent is None else intent["id"],
                amount_captured=charge["amount_captured"] or 0,
                amount_refunded=charge["amount_refunded"] or 0,
                currency=charge["currency"].upper(),
                created=_stamp(charge["created"]),
            )

    def refunds(
        self, *, since: datetime, until: datetime, account: str
    ) -> Iterator[ProviderRefund]:
        """Refunds created in the window, every page."""
        params: Any = {
            "created": {"gte": math.floor(since.timestamp()), "lt": math.ceil(until.timestamp())},
            "limit": 100,
        }
        page = self._call(lambda: self.client.v1.refunds.list(params, self._options(account)))
        for refund in page.auto_paging_iter():
            yield ProviderRefund(
                id=refund["id"],
                status=refund["status"],
                amount=refund["amount"],
                intent_id=_id_of(refund["payment_intent"]),
                created=_stamp(refund["created"]),
            )

    def verify_webhook(self, payload: bytes, headers: Mapping[str, str]) -> WebhookEvent:
        """stripe.Webhook.construct_event on the raw body, within the timestamp tolerance."""
        try:
            event = stripe.Webhook.construct_event(
                payload,
                headers.get("Stripe-Signature"),
                self.settings.webhook_secret,
                tolerance=self.settings.webhook_tolerance_seconds,
            )
        except (ValueError, stripe.SignatureVerificationError) as error:
            raise InvalidWebhook("The webhook signature or body is not valid.") from error
        obj = _plain(event["data"]["object"])
        return WebhookEvent(
            id=event["id"],
            type=event["type"],
            object_type=obj.get("object", ""),
            object_id=obj.get("id", ""),
            account=_plain(event).get("account") or "",
        )
