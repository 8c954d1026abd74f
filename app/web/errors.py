"""The one mapping from errors to HTTP responses, all in flask-smorest's error shape."""

from __future__ import annotations

import logging
from typing import Any

import marshmallow as ma
from flask import Flask
from sqlalchemy.exc import DataError
from werkzeug.exceptions import HTTPException, InternalServerError

from app.exceptions import (
    AuthenticationFailed,
    Conflict,
    DomainError,
    InvalidRequest,
    NotFound,
    PermissionDenied,
    PreconditionFailed,
    TooManyAttempts,
)

logger = logging.getLogger(__name__)

STATUS_BY_ERROR: dict[type[DomainError], int] = {
    InvalidRequest: 422,
    AuthenticationFailed: 401,
    PermissionDenied: 403,
    NotFound: 404,
    Conflict: 409,
    PreconditionFailed: 412,
    TooManyAttempts: 429,
}

STATUS_NAMES = {
    422: "Unprocessable Entity",
    401: "Unauthorized",
    403: "Forbidden",
    404: "Not Found",
    409: "Conflict",
    412: "Precondition Failed",
    429: "Too Many Requests",
}


class ErrorSchema(ma.Schema):
    """The one error shape (documentation only; `error_body` builds it)."""

    code = ma.fields.Integer(metadata={"description": "The HTTP status code"})
    status = ma.fields.String(metadata={"description": "The HTTP status name"})
    message = ma.fields.String(metadata={"description": "What went wrong, for a person"})
    errors = ma.fields.Dict(
        metadata={
            "description": "Field errors: each field (nested like the body) maps to messages",
            "x-optional": True,
        }
    )


def error_body(code: int, status: str, message: str, errors: Any = None) -> dict[str, Any]:
    """Return the error payload: {code, status, message[, errors]}."""
    body: dict[str, Any] = {"code": code, "status": status, "message": message}
    if errors:
        body["errors"] = errors
    return body


def _status_of(error: DomainError) -> int:
    for cls in type(error).__mro__:
        if cls in STATUS_BY_ERROR:
            return STATUS_BY_ERROR[cls]
    return 400


def handle_domain_error(error: DomainError) -> tuple[dict[str, Any], int, dict[str, str]]:
    """Map a domain error to its status through STATUS_BY_ERROR."""
    code = _status_of(error)
    headers = {"WWW-Authenticate": "Bearer"} if code == 401 else {}
    if isinstance(error, TooManyAttempts):
        headers["Retry-After"] = str(error.retry_after_seconds)
    status = STATUS_NAMES.get(code, "Bad Request")
    return error_body(code, status, error.message, error.errors), code, headers


def handle_http_exception(error: HTTPException) -> tuple[Any, int, dict[str, str]]:
    """Render Flask, werkzeug, webargs and flask-limiter errors in the one shape."""
    code = error.code or 500
    if code < 400:  # 304 Not Modified (If-None-Match) has no body
        return "", code, {}
    data = getattr(error, "data", None) or {}
    message = data.get("message") or error.description or error.name
    errors = data.get("errors") or data.get("messages")
    if code == 422 and errors:
        message = "The request is invalid; see errors for each field."
    if code == 400 and errors and "json" in errors:
        message = "The request body is not valid JSON."
    if code == 429:
        message = f"Too many requests: {error.description}. Retry after the Retry-After seconds."
    headers = {k: v for k, v in error.get_headers() if k.lower() != "content-type"}
    headers.update(data.get("headers") or {})
    return error_body(code, error.name, message, errors), code, headers


def handle_unexpected_error(error: Exception) -> tuple[dict[str, Any], int]:
    """Log an unexpected exception and answer 500 without details."""
    if isinstance(error, HTTPException):
        return handle_http_exception(error)[:2]
    logger.exception("unhandled error")
    server_error = InternalServerError()
    return error_body(500, server_error.name, "An unexpected error occurred."), 500


def handle_unstorable_value(error: DataError) -> tuple[dict[str, Any], int]:
    """A value the database refuses to hold (a NUL byte on PostgreSQL, out of range): 422."""
    logger.warning("value refused by the database", extra={"error": type(error.orig).__name__})
    message = "A value in the request cannot be stored or searched as given."
    return error_body(422, STATUS_NAMES[422], message), 422


def register_error_handlers(app: Flask) -> None:
    """Install the handlers (after flask-smorest's, which they replace)."""
    app.register_error_handler(DomainError, handle_domain_error)
    app.register_error_handler(DataError, handle_unstorable_value)
    app.register_error_handler(HTTPException, handle_http_exception)
    app.register_error_handler(Exception, handle_unexpected_error)
