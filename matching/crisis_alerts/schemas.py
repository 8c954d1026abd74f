"""Schemas of the crisis-alert endpoints."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from app.web.fields import Instant, one_line
from app.web.paging import PageQuerySchema, page_schema


class AlertQuerySchema(PageQuerySchema):
    """Which alerts, and which page."""

    state = fields.String(load_default="open", validate=validate.OneOf(["open", "acknowledged"]))


class AcknowledgeSchema(Schema):
    """An optional short note on what is being done."""

    note = one_line(500, load_default=None)


class AlertSchema(Schema):
    """A crisis alert: ids and times only, never answers."""

    id = fields.UUID(required=True)
    intake_id = fields.UUID(required=True)
    clinic_id = fields.UUID(required=True)
    raised_at = Instant(required=True)
    acknowledged_at = Instant(required=True, allow_none=True)
    acknowledged_by_id = fields.UUID(required=True, allow_none=True)
    note = fields.String(required=True, allow_none=True)
    escalations = fields.Integer(required=True)
    escalated_at = Instant(required=True, allow_none=True)


AlertPageSchema = page_schema(AlertSchema, "AlertPage")
