"""Where links to this app point: the public URL, or in development the request's own host."""

from __future__ import annotations

from flask import current_app, request


def request_origin() -> str | None:
    """The request's own scheme and host when the app builds links from it, else None."""
    if current_app.config["LINKS_FROM_REQUEST_HOST"]:
        return request.host_url.rstrip("/")
    return None


def public_url() -> str:
    """The base of links handed out in this answer (no trailing slash)."""
    return request_origin() or str(current_app.config["PUBLIC_APP_URL"])
