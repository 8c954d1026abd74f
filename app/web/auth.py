"""Bearer-token authentication and role checks for views."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any, TypeVar

from flask import g, request
from flask_smorest import Blueprint

from app.exceptions import PermissionDenied
from app.identity.exceptions import InvalidToken, MfaRequired
from app.identity.models import Role
from app.identity.security import SECURITY, Security
from app.identity.service import Principal, authenticate
from app.web.apidoc import documents_errors
from app.web.extensions import adapter, db

F = TypeVar("F", bound=Callable[..., Any])

BEARER_SECURITY: list[dict[str, list[str]]] = [{"bearerAuth": []}]


def security() -> Security:
    """Return the app's identity settings."""
    return adapter(SECURITY)


def current_principal() -> Principal:
    """Return the authenticated caller (only inside a view guarded by auth_required)."""
    principal: Principal = g.principal
    return principal


def _bearer_token() -> str:
    header = request.headers.get("Authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise InvalidToken("Authentication required: send 'Authorization: Bearer <access token>'.")
    return token.strip()


STAFF = (Role.THERAPIST, Role.ADMIN)
MFA_MESSAGE = (
    "Set up two-factor authentication (POST /api/v1/auth/mfa/totp) or log in with your "
    "authenticator code before reading client data."
)


def auth_required(blp: Blueprint, *roles: Role, mfa_optional: bool = False) -> Callable[[F], F]:
    """Require a valid access token and, if roles are given, one of those roles.

    Therapists and admins also need a login that proved a second factor, except on the few
    endpoints marked `mfa_optional` (the ones that get them there).
    """

    def decorator(view: F) -> F:
        @functools.wraps(view)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            principal = authenticate(
                session=db.session, security=security(), access_token=_bearer_token()
            )
            if roles and principal.role not in roles:
                raise PermissionDenied("Your role may not use this endpoint.")
            if (
                not mfa_optional
                and principal.role in STAFF
                and not principal.mfa_verified
                and security().staff_mfa_required
            ):
                raise MfaRequired(MFA_MESSAGE, errors={"mfa": ["required"]})
            g.principal = principal
            return view(*args, **kwargs)

        documented: F = blp.doc(security=BEARER_SECURITY)(wrapper)
        codes = (401, 403)
        return documents_errors(blp, *codes)(documented)

    return decorator
