"""Schemas of the scheduling endpoints."""

from __future__ import annotations

import re
from typing import Any

from marshmallow import Schema, ValidationError, fields

from app.web.fields import Instant
from app.web.fields import instant as fields_instant
from scheduling.availability.models import MINUTES_PER_DAY

_CLOCK = re.compile(r"^(\d{2}):(\d{2})$")
WALL_CLOCK_PATTERN = "^(([01][0-9]|2[0-3]):[0-5][0-9]|24:00)$"


class WallClock(fields.Field[int]):
    """A local time of day "HH:MM" (24:00 allowed as an end), as minutes after midnight."""

    def __init__(self, **kwargs: Any) -> None:
        metadata = {"type": "string", "pattern": WALL_CLOCK_PATTERN, "examples": ["09:30"]}
        super().__init__(metadata={**metadata, **kwargs.pop("metadata", {})}, **kwargs)

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


def instant(**kwargs: Any) -> Instant:
    """An ISO 8601 instant that must carry its UTC offset, within app.web.fields' years."""
    return fields_instant(**kwargs)


class IntervalSchema(Schema):
    """A wall-clock interval."""

    start_minute = WallClock(required=True, data_key="start")
    end_minute = WallClock(required=True, data_key="end")


class WindowQuerySchema(Schema):
    """A time window."""

    start = instant(required=True)
    end = instant(required=True)
