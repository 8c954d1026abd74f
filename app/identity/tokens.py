"""Access tokens (short-lived JWTs) and opaque refresh and setup tokens."""

from __future__ import annotations

import hashlib
import hmac
import secrets
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import jwt

from app.identity.exceptions import InvalidToken

ACCESS_TOKEN_AUDIENCE = "teletherapy-api"  # noqa: S105 (an audience, not a secret)
ALGORITHM = "HS256"


def derive_key(secret_key: str, purpose: str) -> bytes:
    """Derive a purpose-specific key so one secret never signs two kinds of thing."""
    return hmac.new(secret_key.encode(), purpose.encode(), hashlib.sha256).digest()


def new_opaque_token() -> str:
    """Return a random URL-safe token with 256 bits of entropy."""
    return secrets.token_urlsafe(32)


def digest(token: str) -> str:
    """Return the SHA-256 hex digest under which an opaque token is stored."""
    return hashlib.sha256(token.encode()).hexdigest()


@dataclass(frozen=True)
class AccessClaims:
    """What a verified access token says."""

    user_id: uuid.UUID
    session_id: uuid.UUID
    role: str


class AccessTokens:
    """Issues and verifies HS256 access tokens."""

    def __init__(self, secret_key: str, *, issuer: str, ttl: timedelta) -> None:
        self._key = derive_key(secret_key, "access-token")
        self._issuer = issuer
        self.ttl = ttl

    def issue(self, *, user_id: uuid.UUID, session_id: uuid.UUID, role: str, now: datetime) -> str:
        """Return a signed access token valid for the configured lifetime."""
        claims: dict[str, Any] = {
            "iss": self._issuer,
            "aud": ACCESS_TOKEN_AUDIENCE,
            "sub": str(user_id),
            "sid": str(session_id),
            "role": role,
            "iat": now,
            "nbf": now,
            "exp": now + self.ttl,
            "jti": uuid.uuid4().hex,
        }
        return jwt.encode(claims, self._key, algorithm=ALGORITHM)

    def verify(self, token: str) -> AccessClaims:
        """Return the claims of a valid token or raise InvalidToken."""
        try:
            claims = jwt.decode(
                token,
                self._key,
                algorithms=[ALGORITHM],
                audience=ACCESS_TOKEN_AUDIENCE,
                issuer=self._issuer,
                options={"require": ["exp", "iat", "sub", "sid", "role", "iss", "aud"]},
                leeway=5,
            )
            return AccessClaims(
                user_id=uuid.UUID(claims["sub"]),
                session_id=uuid.UUID(claims["sid"]),
                role=claims["role"],
            )
        except jwt.ExpiredSignatureError as exc:
            raise InvalidToken("The access token has expired; refresh it.") from exc
        except (jwt.InvalidTokenError, ValueError, TypeError) as exc:
            raise InvalidToken("The access token is invalid.") from exc
