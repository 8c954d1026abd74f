"""The `Deprecation` header (RFC 9745) on answers to requests that used a deprecated spelling."""

from __future__ import annotations

from datetime import UTC, datetime

from flask import Flask, Response, g

# When bare US state codes (`CA` for California) gave way to ISO 3166-2 (`US-CA`).
LEGACY_JURISDICTIONS_SINCE = datetime(2026, 11, 22, tzinfo=UTC)
DEPRECATION_DOCS = "/docs"  # the document's description says what is deprecated


def note_deprecated(since: datetime) -> None:
    """Mark this request as having used something deprecated since that instant."""
    g.deprecated_since = min(since, g.get("deprecated_since", since))


def init_deprecation_headers(app: Flask) -> None:
    """Answer a request that used a deprecated spelling with `Deprecation` and its `Link`."""

    @app.after_request
    def _announce(response: Response) -> Response:
        since: datetime | None = g.get("deprecated_since")
        if since is not None:
            response.headers["Deprecation"] = f"@{int(since.timestamp())}"
            response.headers.add("Link", f'<{DEPRECATION_DOCS}>; rel="deprecation"')
        return response
