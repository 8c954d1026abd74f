"""Schemas of ledger entries and balances."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from app.web.fields import instant
from billing.ledger.models import EntryKind
from billing.payments.schemas import MINOR_UNITS, PaymentSchema


class LedgerEntrySchema(Schema):
    """One movement: charges and fees raise what is owed, payments lower it."""

    id = fields.UUID(required=True)
    clinic_id = fields.UUID(required=True)
    client_id = fields.UUID(required=True)
    therapist_id = fields.UUID(required=True, allow_none=True)
    appointment_id = fields.UUID(required=True, allow_none=True)
    payment_id = fields.UUID(required=True, allow_none=True)
    kind = fields.Enum(EntryKind, by_value=True, required=True)
    amount = fields.Integer(
        required=True,
        metadata={"description": "Signed minor units: + owed (charge, fee, refund), - paid"},
    )
    currency = fields.String(required=True)
    at = instant(required=True)
    memo = fields.String(required=True)


class LedgerQuerySchema(Schema):
    """Filters and paging of the ledger."""

    client_id = fields.UUID()
    start = instant()
    end = instant()
    limit = fields.Integer(load_default=50, validate=validate.Range(min=1, max=200))
    offset = fields.Integer(load_default=0, validate=validate.Range(min=0, max=1_000_000))


class LedgerPageSchema(Schema):
    """One page of entries and how many match in all."""

    items = fields.List(fields.Nested(LedgerEntrySchema), required=True)
    total = fields.Integer(required=True)


class BalanceSchema(Schema):
    """What the client owes one clinic, and what they can pay now."""

    clinic_id = fields.UUID(required=True)
    clinic_name = fields.String(required=True)
    currency = fields.String(required=True)
    amount = fields.Integer(required=True, metadata=MINOR_UNITS)
    open_payments = fields.List(fields.Nested(PaymentSchema), required=True)
