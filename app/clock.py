"""The one clock: instants are aware UTC datetimes."""

from __future__ import annotations

from datetime import UTC, datetime


def utcnow() -> datetime:
    """Return the current instant as an aware UTC datetime."""
    return datetime.now(UTC)


def iso_utc(instant: datetime) -> str:
    """An instant as the API writes it: ISO 8601 in UTC with Z."""
    return instant.astimezone(UTC).isoformat().removesuffix("+00:00") + "Z"
