"""Schemas of payments, refunds, saved cards and checkouts."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from app.web.fields import instant, one_line
from app.web.paging import PageQuerySchema, page_schema
from billing.money import MAX_AMOUNT
from billing.payments.models import PaymentStatus, Purpose, RefundStatus

MINOR_UNITS = {"description": "Integer minor units of the currency (cents for USD)"}


class PaymentSchema(Schema):
    """Money a client owes a clinic for one purpose, and how much of it moved."""

    id = fields.UUID(required=True)
    clinic_id = fields.UUID(required=True)
    client_id = fields.UUID(required=True)
    appointment_id = fields.UUID(required=True, allow_none=True)
    purpose = fields.Enum(Purpose, by_value=True, required=True)
    status = fields.Enum(
        PaymentStatus,
        by_value=True,
        required=True,
        metadata={"description": "due and failed are open: the client can pay them now"},
    )
    amount = fields.Integer(required=True, metadata=MINOR_UNITS)
    currency = fields.String(required=True, metadata={"description": "ISO 4217"})
    amount_captured = fields.Integer(required=True, metadata=MINOR_UNITS)
    amount_refunded = fields.Integer(required=True, metadata=MINOR_UNITS)
    capture_later = fields.Boolean(required=True)
    charge_after = instant(required=True, allow_none=True)
    failure_code = fields.String(required=True, allow_none=True)
    created_at = instant(required=True)
    updated_at = instant(required=True)


class PaymentQuerySchema(PageQuerySchema):
    """Filters and page of the payment list."""

    status = fields.Enum(PaymentStatus, by_value=True)
    client_id = fields.UUID()
    appointment_id = fields.UUID()


PaymentPageSchema = page_schema(PaymentSchema, "PaymentPage")


class CheckoutSchema(Schema):
    """What the frontend passes to Stripe's SDK to collect the payment."""

    payment = fields.Nested(PaymentSchema, required=True)
    kind = fields.String(
        required=True,
        validate=validate.OneOf(["payment", "setup"]),
        metadata={
            "description": "payment: stripe.confirmPayment; setup: stripe.confirmSetup (the "
            "card is saved now and charged nearer the session)"
        },
    )
    client_secret = fields.String(required=True, allow_none=True)
    publishable_key = fields.String(required=True)


class RefundRequestSchema(Schema):
    """A refund of part or all of what is left of a captured payment."""

    amount = fields.Integer(
        load_default=None,
        allow_none=True,
        validate=validate.Range(min=1, max=MAX_AMOUNT),
        metadata={**MINOR_UNITS, "description": "Minor units; omit to refund all that is left"},
    )
    reason = one_line(500, load_default=None, allow_none=True)


class RefundSchema(Schema):
    """A refund and its progress at the provider."""

    id = fields.UUID(required=True)
    payment_id = fields.UUID(required=True)
    amount = fields.Integer(required=True, metadata=MINOR_UNITS)
    status = fields.Enum(RefundStatus, by_value=True, required=True)
    reason = fields.String(required=True, allow_none=True)
    failure_code = fields.String(required=True, allow_none=True)
    created_at = instant(required=True)


class CardSchema(Schema):
    """A saved card: brand, last four digits and expiry only."""

    id = fields.String(required=True, attribute="card.id")
    brand = fields.String(required=True, attribute="card.brand")
    last4 = fields.String(required=True, attribute="card.last4")
    exp_month = fields.Integer(required=True, attribute="card.exp_month")
    exp_year = fields.Integer(required=True, attribute="card.exp_year")
    is_default = fields.Boolean(required=True)


class AccountQuerySchema(Schema):
    """Which clinic's payment account (cards are saved per connected account)."""

    clinic_id = fields.UUID(load_default=None, allow_none=True)


class CardQuerySchema(AccountQuerySchema, PageQuerySchema):
    """Whose cards (the clinic's account), and which page."""


class CardSetupSchema(Schema):
    """A card being saved: complete it with stripe.confirmSetup, then confirm it here."""

    setup_id = fields.String(required=True, attribute="id")
    client_secret = fields.String(required=True, allow_none=True)
    status = fields.String(required=True)


class CardSetupDoneSchema(Schema):
    """The setup the frontend completed."""

    setup_id = fields.String(required=True, validate=validate.Regexp(r"^[A-Za-z0-9_]{1,200}$"))
    clinic_id = fields.UUID(load_default=None, allow_none=True)


class WebhookAckSchema(Schema):
    """The webhook was accepted (or was a replay)."""

    received = fields.Boolean(required=True)
    duplicate = fields.Boolean(required=True)
