"""Schemas of the pricing endpoints: policy, session fees, agreed rates, copays, coverage, quotes.

Every amount is an integer in minor units of the clinic's currency (cents for USD, yen for
JPY, fils for KWD), given alongside the currency.
"""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from app.web.fields import code
from billing.money import MAX_AMOUNT
from billing.pricing.models import Collection, FeeKind, PaymentMethodKind

MINOR_UNITS = "Integer minor units of the currency (cents for USD, yen for JPY, fils for KWD)"
CURRENCY = "ISO 4217 currency code of the amounts (the clinic's currency)"


def amount(*, required: bool = False, dump_only: bool = False) -> fields.Integer:
    """An amount in minor units, 0..MAX_AMOUNT."""
    return fields.Integer(
        strict=True,
        required=required,
        dump_only=dump_only,
        validate=validate.Range(min=0, max=MAX_AMOUNT),
        metadata={"description": MINOR_UNITS},
    )


def currency() -> fields.String:
    """The currency of the amounts next to it (responses only)."""
    return fields.String(dump_only=True, metadata={"description": CURRENCY})


def fee_value() -> fields.Integer:
    """A fee's value: minor units for a fixed fee, basis points for a share."""
    return fields.Integer(
        strict=True,
        load_default=0,
        validate=validate.Range(min=0, max=MAX_AMOUNT),
        metadata={
            "description": "For kind 'fixed': integer minor units of the clinic's currency; "
            "for 'share': basis points of the session fee (0..10000); for 'none': 0"
        },
    )


class BillingPolicySchema(Schema):
    """A clinic's currency, when it collects, its fees and refunds, and its Stripe account."""

    clinic_id = fields.UUID(dump_only=True)
    currency = fields.String(
        required=True,
        validate=validate.Length(equal=3),
        metadata={"description": "ISO 4217 code of every amount of the clinic (e.g. USD)"},
    )
    reprice = fields.Boolean(
        load_only=True,
        load_default=False,
        metadata={
            "description": "Changing the currency while prices are stored is a 409 unless "
            "true: every stored amount (therapist rates, session fees, copays, agreed rates) "
            "is then read in the new currency's minor units (default: false)"
        },
    )
    collection = fields.Enum(
        Collection,
        by_value=True,
        required=True,
        metadata={
            "description": "none: the clinic bills elsewhere; at_booking: charged when booked; "
            "authorize_then_capture: authorized when booked, captured once held"
        },
    )
    late_cancel_fee_kind = fields.Enum(FeeKind, by_value=True, load_default=FeeKind.NONE)
    late_cancel_fee_value = fee_value()
    no_show_fee_kind = fields.Enum(FeeKind, by_value=True, load_default=FeeKind.NONE)
    no_show_fee_value = fee_value()
    refund_staff_cancellations = fields.Boolean(
        load_default=True,
        metadata={"description": "Refund in full when the therapist or clinic cancels"},
    )
    stripe_account_id = fields.String(
        load_default=None,
        allow_none=True,
        validate=validate.Length(max=64),
        metadata={"description": "The clinic's Stripe Connect account (acct_...), or null"},
    )
    platform_fee_basis_points = fields.Integer(
        strict=True,
        load_default=0,
        validate=validate.Range(min=0, max=10_000),
        metadata={
            "description": "The platform's share of each charge, in basis points; "
            "needs a stripe_account_id"
        },
    )
    authorization_days = fields.Integer(
        strict=True,
        load_default=5,
        validate=validate.Range(min=1, max=6),
        metadata={"description": "A session further ahead is charged this many days before it"},
    )


class AmountSchema(Schema):
    """An amount to set."""

    amount = amount(required=True)


class SessionFeeSchema(Schema):
    """The fee of a session type."""

    session_type_id = fields.UUID(dump_only=True)
    amount = amount(dump_only=True)
    currency = currency()


class AgreedRateSchema(Schema):
    """A client's rate with a therapist."""

    therapist_id = fields.UUID(dump_only=True)
    client_id = fields.UUID(dump_only=True)
    amount = amount(dump_only=True)
    currency = currency()


class CopaySchema(Schema):
    """What clients on an insurance plan pay the clinic per session."""

    insurance_plan = code("insurance_plans", dump_only=True)
    amount = amount(dump_only=True)
    currency = currency()


class CoverageSchema(Schema):
    """How a client pays for sessions."""

    method = fields.Enum(
        PaymentMethodKind,
        by_value=True,
        required=True,
        metadata={"description": "self_pay, or insurance (then insurance_plan is required)"},
    )
    insurance_plan = code("insurance_plans", load_default=None, allow_none=True)


class QuoteQuerySchema(Schema):
    """Which session to quote."""

    therapist_id = fields.UUID(required=True)
    session_type_id = fields.UUID(required=True)


class QuoteSchema(Schema):
    """What a session would cost the caller, and why."""

    amount = amount(dump_only=True)
    currency = currency()
    display = fields.String(
        dump_only=True, metadata={"description": "The amount for people, e.g. USD 125.00"}
    )
    basis = fields.String(
        dump_only=True,
        metadata={
            "description": "The rule that set the price, first that applies: copay (insured, "
            "the clinic has a copay for the plan), agreed_rate, session_fee, self_pay_rate",
            "enum": ["copay", "agreed_rate", "session_fee", "self_pay_rate"],
        },
    )
    collection = fields.Enum(
        Collection,
        by_value=True,
        dump_only=True,
        metadata={
            "description": "When the clinic collects: none, at_booking, authorize_then_capture"
        },
    )
