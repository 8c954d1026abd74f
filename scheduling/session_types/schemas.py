"""Schemas of the scheduling endpoints."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from app.vocabularies import FORMATS
from app.web.fields import trimmed
from scheduling.session_types.defaults import SESSION_TYPE_DEFAULTS as DEFAULT


class SessionTypeSchema(Schema):
    """A kind of session and how it is placed."""

    id = fields.UUID(dump_only=True)
    therapist_id = fields.UUID(dump_only=True, allow_none=True)
    name = trimmed(80, required=True)
    duration_minutes = fields.Integer(
        strict=True, required=True, validate=validate.Range(min=10, max=480)
    )
    buffer_before_minutes = fields.Integer(
        strict=True,
        load_default=DEFAULT.buffer_before_minutes,
        validate=validate.Range(min=0, max=240),
    )
    buffer_after_minutes = fields.Integer(
        strict=True,
        load_default=DEFAULT.buffer_after_minutes,
        validate=validate.Range(min=0, max=240),
    )
    min_notice_minutes = fields.Integer(
        strict=True,
        load_default=DEFAULT.min_notice_minutes,
        validate=validate.Range(min=0, max=60 * 24 * 30),
    )
    horizon_days = fields.Integer(
        strict=True, load_default=DEFAULT.horizon_days, validate=validate.Range(min=1, max=365)
    )
    slot_step_minutes = fields.Integer(
        strict=True, load_default=DEFAULT.slot_step_minutes, validate=validate.Range(min=5, max=480)
    )
    format = fields.String(load_default=DEFAULT.format, validate=validate.OneOf(list(FORMATS)))
    requires_approval = fields.Boolean(load_default=DEFAULT.requires_approval)
    is_group = fields.Boolean(load_default=DEFAULT.is_group)
    capacity = fields.Integer(
        strict=True, load_default=DEFAULT.capacity, validate=validate.Range(min=1, max=50)
    )
    active = fields.Boolean(load_default=DEFAULT.active)


class SessionTypeUpdateSchema(SessionTypeSchema):
    """Changes to a session type (every field optional; load with partial=True)."""


class PolicySchema(Schema):
    """A clinic's booking policy."""

    cancellation_window_minutes = fields.Integer(
        strict=True, validate=validate.Range(min=0, max=60 * 24 * 14)
    )
    hold_minutes = fields.Integer(strict=True, validate=validate.Range(min=1, max=120))
    max_active_holds = fields.Integer(strict=True, validate=validate.Range(min=1, max=20))
