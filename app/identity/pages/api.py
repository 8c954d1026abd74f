"""Pages that emailed links open (static HTML and JS; the token stays in the URL fragment)."""

from __future__ import annotations

from pathlib import Path

from flask import Blueprint, Response, send_from_directory

STATIC = Path(__file__).parent / "static"
POLICY = (
    "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; "
    "frame-ancestors 'none'; base-uri 'none'; form-action 'none'"
)

pages = Blueprint("account_pages", __name__, static_folder=str(STATIC), static_url_path="/account")


@pages.after_request
def _lock_down(response: Response) -> Response:
    response.headers["Content-Security-Policy"] = POLICY
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Referrer-Policy"] = "no-referrer"
    response.headers["Cache-Control"] = "no-store"
    return response


@pages.get("/verify-email")
def verify_email_page() -> Response:
    """The page a verification link opens; it posts the link's token to the API."""
    return send_from_directory(STATIC, "verify-email.html")


@pages.get("/reset-password")
def reset_password_page() -> Response:
    """The page a reset link opens; it asks for the new password and posts it with the token."""
    return send_from_directory(STATIC, "reset-password.html")
