"""One rendering of instants in every answer: UTC with `Z`, or the zone the request names.

A request may name an IANA zone in the `tz` query parameter (checked by
`app.web.query_strings`); every instant of its answer is then written in that zone with its
offset, so a frontend never mixes `-08:00` from one call with `+00:00` from another.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, tzinfo
from typing import Any

from flask import Flask, g, has_request_context
from flask.json.provider import DefaultJSONProvider

from app.clock import iso_utc

RENDER_ZONE_PARAMETER = "tz"
UTC_NAMES = frozenset({"UTC", "Etc/UTC", "Etc/UCT", "UCT", "Etc/Universal", "Universal", "Zulu"})


def set_response_zone(zone: tzinfo) -> None:
    """Render the current answer's instants in `zone`."""
    g.response_zone = zone


def response_zone() -> tzinfo:
    """The zone of the current answer's instants: the request's `tz`, else UTC."""
    if has_request_context():
        zone: tzinfo = g.get("response_zone", UTC)
        return zone
    return UTC


def render_instant(value: datetime) -> str:
    """ISO 8601 in the answer's zone; UTC is written with `Z`."""
    if value.tzinfo is None:  # stored instants are UTC
        value = value.replace(tzinfo=UTC)
    zone = response_zone()
    if zone is UTC or str(zone) in UTC_NAMES:
        return iso_utc(value)
    return value.astimezone(zone).isoformat()


class InstantJSONProvider(DefaultJSONProvider):
    """Flask's JSON with instants rendered like every schema renders them, dates as ISO."""

    @staticmethod
    def default(o: Any) -> Any:
        """Serialize what the json module cannot."""
        if isinstance(o, datetime):
            return render_instant(o)
        if isinstance(o, date):
            return o.isoformat()
        return DefaultJSONProvider.default(o)


def init_rendering(app: Flask) -> None:
    """Give the app the JSON provider that renders instants in one way."""
    app.json_provider_class = InstantJSONProvider
    app.json = InstantJSONProvider(app)
