"""Marshmallow fields shared by every package's schemas."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from marshmallow import ValidationError, fields, validate

from app.vocabularies import TIME_ZONES, VOCABULARIES


def code(vocabulary: str, **kwargs: Any) -> fields.String:
    """A string that must be a code of the named vocabulary; the error lists the allowed codes."""
    allowed: Mapping[str, str] = VOCABULARIES[vocabulary]
    choices = list(allowed)
    metadata = {"description": f"A code from GET /api/v1/vocabularies ({vocabulary})"}
    metadata.update(kwargs.pop("metadata", {}))
    return fields.String(
        validate=validate.OneOf(
            choices, error=f"Not a known {vocabulary} code. Allowed values: {', '.join(choices)}."
        ),
        metadata=metadata,
        **kwargs,
    )


def codes(vocabulary: str, *, max_items: int = 30, **kwargs: Any) -> fields.List[str]:
    """A list of distinct codes of the named vocabulary."""

    def _distinct(values: list[str]) -> None:
        if len(set(values)) != len(values):
            raise ValidationError("Codes must not repeat.")

    return fields.List(
        code(vocabulary),
        validate=[validate.Length(max=max_items), _distinct],
        **kwargs,
    )


class TimeZone(fields.String):
    """An IANA time zone name such as America/New_York."""

    default_error_messages = {
        "unknown_zone": "Unknown time zone {value!r}; use an IANA name such as America/New_York."
    }

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> str:
        zone = super()._deserialize(value, attr, data, **kwargs)
        if zone not in TIME_ZONES:
            raise self.make_error("unknown_zone", value=zone)
        return zone


class Money(fields.Integer):
    """An amount in integer minor units (cents), never negative."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("strict", True)
        kwargs.setdefault("validate", validate.Range(min=0, max=10_000_000))
        kwargs.setdefault("metadata", {"description": "Integer minor units (cents)"})
        super().__init__(**kwargs)


def trimmed(
    max_length: int, *, min_length: int = 1, validate_also: Any = None, **kwargs: Any
) -> fields.String:
    """A string with surrounding space removed, bounded length and optional extra checks."""
    checks: list[Any] = [validate.Length(min=min_length, max=max_length)]
    if validate_also is not None:
        checks.append(validate_also)
    return _Trimmed(validate=checks, **kwargs)


class _Trimmed(fields.String):
    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> str:
        return super()._deserialize(value, attr, data, **kwargs).strip()


def email_address(**kwargs: Any) -> fields.String:
    """An email address; it is validated and normalised (lower case) by the service."""
    return fields.String(
        validate=validate.Length(min=3, max=320),
        metadata={"format": "email", "description": "Normalised to lower case"},
        **kwargs,
    )
