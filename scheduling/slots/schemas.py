"""Schemas of the scheduling endpoints."""

from __future__ import annotations

from marshmallow import Schema, fields

from app.web.fields import TimeZone
from scheduling.schemas import instant


class SlotQuerySchema(Schema):
    """Which slots to list."""

    start = instant(required=True)
    end = instant(required=True)
    session_type = fields.UUID(required=True)
    tz = TimeZone(load_default="UTC", metadata={"description": "Zone to render the slots in"})


class SlotSchema(Schema):
    """One bookable start."""

    start = instant()
    end = instant()


class SlotListSchema(Schema):
    """Bookable starts rendered in the requested zone."""

    therapist_id = fields.UUID()
    session_type_id = fields.UUID()
    timezone = fields.String()
    slots = fields.List(fields.Nested(SlotSchema))
