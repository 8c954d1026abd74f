"""Schemas of the crisis-alert endpoints."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from app.web.fields import one_line


class AlertQuerySchema(Schema):
    """Which alerts, and which page."""

    state = fields.String(load_default="open", validate=validate.OneOf(["open", "acknowledged"]))
    limit = fields.Integer(load_default=50, validate=validate.Range(min=1, max=200))
    offset = fields.Integer(load_default=0, validate=validate.Range(min=0, max=1_000_000))


class AcknowledgeSchema(Schema):
    """An optional short note on what is being done."""

    note = one_line(500, load_default=None)


class AlertSchema(Schema):
    """A crisis alert: ids and times only, never answers."""

    id = fields.UUID(required=True)
    intake_id = fields.UUID(required=True)
    clinic_id = fields.UUID(required=True)
    raised_at = fields.AwareDateTime(required=True)
    acknowledged_at = fields.AwareDateTime(required=True, allow_none=True)
    acknowledged_by_id = fields.UUID(required=True, allow_none=True)
    note = fields.String(required=True, allow_none=True)
    escalations = fields.Integer(required=True)
    escalated_at = fields.AwareDateTime(required=True, allow_none=True)


class AlertPageSchema(Schema):
    """A page of alerts and the true total."""

    items = fields.List(fields.Nested(AlertSchema), required=True)
    total = fields.Integer(required=True)
