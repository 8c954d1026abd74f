"""Schemas of ledger entries and balances."""

from __future__ import annotations

from marshmallow import Schema, fields

from app.web.fields import instant
from app.web.paging import PageQuerySchema, page_schema
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


class LedgerQuerySchema(PageQuerySchema):
    """Filters and paging of the ledger."""

    client_id = fields.UUID()
    start = instant()
    end = instant()


LedgerPageSchema = page_schema(LedgerEntrySchema, "LedgerPage")


class BalanceSchema(Schema):
    """What the client owes one clinic, and what they can pay now."""

    clinic_id = fields.UUID(required=True)
    clinic_name = fields.String(required=True)
    currency = fields.String(required=True)
    amount = fields.Integer(required=True, metadata=MINOR_UNITS)
    open_payments = fields.List(fields.Nested(PaymentSchema), required=True)
