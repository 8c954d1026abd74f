"""Schemas of the scheduling endpoints."""

from __future__ import annotations

import re
from typing import Any

from marshmallow import Schema, ValidationError, fields, validate

from app.fields import TimeZone, trimmed
from scheduling.availability import WEEKDAYS
from scheduling.models import MINUTES_PER_DAY

_CLOCK = re.compile(r"^(\d{2}):(\d{2})$")


class WallClock(fields.Field):
    """A local time of day "HH:MM" (24:00 allowed as an end), as minutes after midnight."""

    def _serialize(self, value: Any, attr: str | None, obj: Any, **kwargs: Any) -> str | None:
        return None if value is None else f"{value // 60:02d}:{value % 60:02d}"

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> int:
        match = _CLOCK.match(value) if isinstance(value, str) else None
        if not match:
            raise ValidationError('Must be a local time "HH:MM".')
        hours, minutes = int(match[1]), int(match[2])
        total = hours * 60 + minutes
        if minutes > 59 or total > MINUTES_PER_DAY:
            raise ValidationError('Must be between "00:00" and "24:00".')
        return total


def instant(**kwargs: Any) -> fields.AwareDateTime:
    """An ISO 8601 instant that must carry its UTC offset."""
    kwargs.setdefault("metadata", {"description": "ISO 8601 with offset"})
    return fields.AwareDateTime(format="iso", **kwargs)


class IntervalSchema(Schema):
    """A wall-clock interval."""

    start_minute = WallClock(required=True, data_key="start")
    end_minute = WallClock(required=True, data_key="end")


class WeeklyIntervalSchema(IntervalSchema):
    """A weekly wall-clock interval."""

    weekday = fields.String(required=True, validate=validate.OneOf(WEEKDAYS))


class OverrideSchema(Schema):
    """The hours of one local date (an empty list closes the date)."""

    date = fields.Date(required=True)
    intervals = fields.List(
        fields.Nested(IntervalSchema), required=True, validate=validate.Length(max=12)
    )


class AvailabilitySchema(Schema):
    """Weekly hours and date overrides, in one IANA zone."""

    timezone = TimeZone(required=True)
    weekly = fields.List(
        fields.Nested(WeeklyIntervalSchema), required=True, validate=validate.Length(max=70)
    )
    overrides = fields.List(
        fields.Nested(OverrideSchema), load_default=list, validate=validate.Length(max=400)
    )


class TimeOffSchema(Schema):
    """A range of time away."""

    id = fields.UUID(dump_only=True)
    starts_at = instant(required=True)
    ends_at = instant(required=True)
    note = trimmed(200, allow_none=True, load_default=None)


class SessionTypeSchema(Schema):
    """A kind of session and how it is placed."""

    id = fields.UUID(dump_only=True)
    therapist_id = fields.UUID(dump_only=True, allow_none=True)
    name = trimmed(80, required=True)
    duration_minutes = fields.Integer(
        strict=True, required=True, validate=validate.Range(min=10, max=480)
    )
    buffer_before_minutes = fields.Integer(
        strict=True, load_default=0, validate=validate.Range(min=0, max=240)
    )
    buffer_after_minutes = fields.Integer(
        strict=True, load_default=10, validate=validate.Range(min=0, max=240)
    )
    min_notice_minutes = fields.Integer(
        strict=True, load_default=24 * 60, validate=validate.Range(min=0, max=60 * 24 * 30)
    )
    horizon_days = fields.Integer(
        strict=True, load_default=60, validate=validate.Range(min=1, max=365)
    )
    slot_step_minutes = fields.Integer(
        strict=True, load_default=60, validate=validate.Range(min=5, max=480)
    )
    format = fields.String(load_default="video", validate=validate.OneOf(["video", "phone"]))
    requires_approval = fields.Boolean(load_default=False)
    is_group = fields.Boolean(load_default=False)
    capacity = fields.Integer(strict=True, load_default=1, validate=validate.Range(min=1, max=50))
    active = fields.Boolean(load_default=True)


class SessionTypeUpdateSchema(SessionTypeSchema):
    """Changes to a session type (every field optional; load with partial=True)."""


class PolicySchema(Schema):
    """A clinic's booking policy."""

    cancellation_window_minutes = fields.Integer(
        strict=True, validate=validate.Range(min=0, max=60 * 24 * 14)
    )
    hold_minutes = fields.Integer(strict=True, validate=validate.Range(min=1, max=120))
    max_active_holds = fields.Integer(strict=True, validate=validate.Range(min=1, max=20))


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


class WindowQuerySchema(Schema):
    """A time window."""

    start = instant(required=True)
    end = instant(required=True)
