"""Billing errors, each under one of the app's error categories."""

from app.exceptions import Conflict, DomainError, InvalidRequest, NotFound


class BillingError(DomainError):
    """Base of every billing error."""


class InvalidPrice(BillingError, InvalidRequest):
    """A price, fee or currency is out of range or breaks the sliding scale."""


class PriceNotFound(BillingError, NotFound):
    """No such price (fee, agreed rate, copay), or not one the caller may see."""


class PaymentRequired(BillingError, InvalidRequest):
    """The booking must be paid for and nothing to pay with was given."""


class PaymentNotFound(BillingError, NotFound):
    """No such payment, refund or card, or not one the caller may see."""


class CurrencyInUse(BillingError, Conflict):
    """The clinic keeps prices in its currency: changing it would re-read every amount."""


class PaymentStateConflict(BillingError, Conflict):
    """The payment's state does not allow this now (nothing to pay, already paid...)."""


class RefundTooLarge(BillingError, Conflict):
    """The refund would return more than was captured and not yet refunded."""


class PaymentDeclined(BillingError, Conflict):
    """The card was declined or the bank asks the client to authenticate."""

    def __init__(self, message: str, *, code: str, intent_id: str | None = None) -> None:
        super().__init__(message, errors={"code": code})
        self.code = code
        self.intent_id = intent_id


class ProviderUnavailable(BillingError, Conflict):
    """The payment provider did not answer (timeout, outage); retry later with the same key."""


class InvalidWebhook(BillingError, InvalidRequest):
    """A webhook's signature, timestamp or body is not acceptable."""
