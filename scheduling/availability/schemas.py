"""Schemas of the scheduling endpoints."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from app.vocabularies import WEEKDAYS
from app.web.fields import TimeZone, calendar_date, trimmed
from scheduling.schemas import IntervalSchema, instant


class WeeklyIntervalSchema(IntervalSchema):
    """A weekly wall-clock interval."""

    weekday = fields.String(required=True, validate=validate.OneOf(WEEKDAYS))


class OverrideSchema(Schema):
    """The hours of one local date (an empty list closes the date)."""

    date = calendar_date(required=True)
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
