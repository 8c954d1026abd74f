"""The /admin page: static HTML, CSS and JS (Chart.js shipped in static/vendor), no CDN."""

from __future__ import annotations

from pathlib import Path

from flask import Blueprint, Response, send_from_directory

STATIC = Path(__file__).parent / "static"
POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'"
)

page = Blueprint(
    "admin_dashboard",
    __name__,
    url_prefix="/admin",
    static_folder=str(STATIC),
    static_url_path="/static",
)


@page.after_request
def _lock_down(response: Response) -> Response:
    response.headers["Content-Security-Policy"] = POLICY
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Referrer-Policy"] = "no-referrer"
    response.headers.setdefault("Cache-Control", "no-store")
    return response


@page.get("/")
@page.get("")
def dashboard() -> Response:
    """The dashboard page (it logs in and reads the report API itself)."""
    return send_from_directory(STATIC, "index.html")
