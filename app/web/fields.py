"""Marshmallow fields shared by every package's schemas."""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import UTC, date, datetime
from typing import Any

from marshmallow import ValidationError, fields, validate

from app.i18n.catalogs import is_locale, parse_locale
from app.jurisdictions import JURISDICTIONS, from_legacy, is_legacy
from app.vocabularies import TIME_ZONES, VOCABULARIES
from app.web.deprecation import LEGACY_JURISDICTIONS_SINCE, note_deprecated
from app.web.rendering import render_instant

# Every instant and date a request may carry lies in these years: far enough for any booking,
# history or birth date, and far from datetime's limits (years 1 and 9999), so no arithmetic on
# an accepted value (zones, durations, windows) can overflow.
EARLIEST_YEAR = 1900
LATEST_YEAR = 2200
_EARLIEST = datetime(EARLIEST_YEAR, 1, 1, tzinfo=UTC)
_LATEST = datetime(LATEST_YEAR + 1, 1, 1, tzinfo=UTC)
_RANGE_MESSAGE = f"Must be between the years {EARLIEST_YEAR} and {LATEST_YEAR}."


def _instant_in_range(value: datetime) -> None:
    if not _EARLIEST <= value < _LATEST:
        raise ValidationError(_RANGE_MESSAGE)


def _date_in_range(value: date) -> None:
    if not EARLIEST_YEAR <= value.year <= LATEST_YEAR:
        raise ValidationError(_RANGE_MESSAGE)


def _with_check(kwargs: dict[str, Any], check: Any) -> list[Any]:
    extra = kwargs.pop("validate", None)
    if extra is None:
        return [check]
    return [check, *(extra if isinstance(extra, list | tuple) else [extra])]


class Instant(fields.AwareDateTime):
    """An instant: read as ISO 8601 with its offset; written in UTC with Z, or in the `tz` asked."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(format="iso", **kwargs)

    def _serialize(self, value: Any, attr: str | None, obj: Any, **kwargs: Any) -> str | None:
        return None if value is None else render_instant(value)


def instant(**kwargs: Any) -> Instant:
    """An ISO 8601 instant that must carry its UTC offset, between EARLIEST_YEAR and LATEST_YEAR."""
    kwargs.setdefault("metadata", {"description": "ISO 8601 with offset"})
    checks = _with_check(kwargs, _instant_in_range)
    return Instant(validate=checks, **kwargs)


def calendar_date(**kwargs: Any) -> fields.Date:
    """An ISO 8601 date between EARLIEST_YEAR and LATEST_YEAR."""
    checks = _with_check(kwargs, _date_in_range)
    return fields.Date(validate=checks, **kwargs)


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


class Jurisdiction(fields.String):
    """An ISO 3166-2 subdivision or ISO 3166-1 country code; a pre-ISO US code is read as US-xx."""

    default_error_messages = {
        "unknown": "Not a known jurisdiction: use an ISO 3166-2 code such as US-CA, CA-ON, "
        "AU-NSW or GB-SCT, or a country code such as IE (GET /api/v1/vocabularies lists them)."
    }

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> str:
        given = super()._deserialize(value, attr, data, **kwargs)
        if is_legacy(given):
            note_deprecated(LEGACY_JURISDICTIONS_SINCE)
            given = from_legacy(given)
        if given not in JURISDICTIONS:
            raise self.make_error("unknown")
        return given


def jurisdiction_code(**kwargs: Any) -> Jurisdiction:
    """Where someone is or is licensed (the `jurisdictions` vocabulary)."""
    description = (
        "An ISO 3166-2 code (US-CA, CA-ON, AU-NSW, GB-SCT) or, where licensing is national or "
        "a country has no subdivisions here, an ISO 3166-1 code (AU, GB, IE, NZ); listed by GET "
        "/api/v1/vocabularies (jurisdictions). Deprecated: the bare US state codes of earlier "
        "versions (CA for California) are still read as US-CA, answered with a Deprecation "
        "header, until version 2."
    )
    metadata = {"description": description}
    if "metadata" in kwargs:
        metadata["description"] = f"{kwargs.pop('metadata')['description']}. {description}"
    return Jurisdiction(validate=validate.Length(max=8), metadata=metadata, **kwargs)


class MessageLocale(fields.String):
    """A Babel locale (`en`, `fr_CA`, `pt-BR`) for messages; stored as `fr_CA`."""

    default_error_messages = {
        "unknown": "Unknown locale; use a language code such as en, fr, fr_CA or es."
    }

    def __init__(self, **kwargs: Any) -> None:
        description = (
            "The language of your emails and invites (a locale such as en, fr_CA, es); "
            "English where the clinic provides no translation"
        )
        kwargs.setdefault("metadata", {"description": description})
        super().__init__(validate=validate.Length(min=2, max=35), **kwargs)

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> str:
        given = super()._deserialize(value, attr, data, **kwargs)
        if not is_locale(given):
            raise self.make_error("unknown")
        return str(parse_locale(given))


class TimeZone(fields.String):
    """An IANA time zone name such as America/New_York."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("validate", validate.Length(max=64))
        super().__init__(**kwargs)

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
    if isinstance(validate_also, list | tuple):
        checks.extend(validate_also)
    elif validate_also is not None:
        checks.append(validate_also)
    return _Trimmed(validate=checks, **kwargs)


# Control characters (C0, DEL, C1 incl. NEL), the Unicode line and paragraph separators and
# backslashes: none belongs in a name, and each breaks the one-line headers and calendar
# properties (emails, invites) that names are written into.
_NOT_IN_A_LINE = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029\\]")


def _one_line(value: str) -> None:
    if _NOT_IN_A_LINE.search(value):
        raise ValidationError(
            "Must be a single line without control characters, line breaks or backslashes."
        )


def one_line(
    max_length: int, *, min_length: int = 1, validate_also: Any = None, **kwargs: Any
) -> fields.String:
    """A name or label: trimmed, one line, no control characters or backslashes, bounded."""
    extra = [] if validate_also is None else [validate_also]
    return trimmed(max_length, min_length=min_length, validate_also=[_one_line, *extra], **kwargs)


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
