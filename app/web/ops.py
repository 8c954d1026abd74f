"""Operational routes: liveness, readiness and the locally served API docs assets."""

from __future__ import annotations

from flask import Blueprint, Response, send_from_directory
from sqlalchemy import text
from swagger_ui_bundle import swagger_ui_path
from werkzeug.exceptions import NotFound

from app.web.extensions import db

ops = Blueprint("ops", __name__)

DOCS_ASSETS = frozenset(
    {
        "swagger-ui.css",
        "swagger-ui-bundle.js",
        "swagger-ui-standalone-preset.js",
        "favicon-16x16.png",
        "favicon-32x32.png",
    }
)


@ops.get("/healthz")
def healthz() -> tuple[dict[str, str], int]:
    """The process is up."""
    return {"status": "ok"}, 200


@ops.get("/readyz")
def readyz() -> tuple[dict[str, str], int]:
    """The process can reach its database."""
    try:
        db.session.execute(text("SELECT 1"))
    except Exception:  # any driver error means "not ready"
        return {"status": "unavailable", "database": "unreachable"}, 503
    return {"status": "ok", "database": "ok"}, 200


@ops.get("/docs/assets/<path:filename>")
def docs_asset(filename: str) -> Response:
    """Serve Swagger UI's files from the installed package, never from a CDN."""
    if filename not in DOCS_ASSETS:
        raise NotFound()
    return send_from_directory(str(swagger_ui_path), filename, max_age=86400)
