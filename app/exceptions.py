"""Root of every domain error; app/web/errors.py maps these categories to HTTP statuses."""

from __future__ import annotations

from typing import Any


class DomainError(Exception):
    """Base class of every error a use case raises on purpose."""

    def __init__(self, message: str, *, errors: dict[str, Any] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.errors = errors


class NotFound(DomainError):
    """The object does not exist, or the caller may not know that it does."""


class Conflict(DomainError):
    """The request clashes with the current state (duplicate, already taken, wrong status)."""


class InvalidRequest(DomainError):
    """The request is well-formed but breaks a business rule."""


class PreconditionFailed(DomainError):
    """The write was based on a version of the resource that is no longer current (If-Match)."""


class AuthenticationFailed(DomainError):
    """Credentials or tokens are missing, wrong, expired or revoked."""


class PermissionDenied(DomainError):
    """The caller is known but may not do this."""


class TooManyAttempts(DomainError):
    """The caller must wait before trying again."""

    def __init__(
        self, message: str, *, retry_after_seconds: int, errors: dict[str, Any] | None = None
    ) -> None:
        super().__init__(message, errors=errors)
        self.retry_after_seconds = max(1, retry_after_seconds)
