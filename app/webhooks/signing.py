"""Webhook signatures as Stripe makes them: `t=<unix time>,v1=<HMAC-SHA256 of "t.body">`.

A receiver checks one with `verify_signature` (or the same few lines in any language): the
timestamp bounds replays, the HMAC proves the body came from us unchanged.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import time

SECRET_PREFIX = "whsec_"  # noqa: S105 (a prefix, not a secret)
DEFAULT_TOLERANCE_SECONDS = 300


def new_secret() -> str:
    """A fresh endpoint secret: whsec_ and 32 random bytes, URL-safe."""
    return SECRET_PREFIX + secrets.token_urlsafe(32)


def signature(payload: bytes, secret: str, timestamp: int) -> str:
    """The hex HMAC-SHA256 of "{timestamp}.{payload}" under the secret."""
    signed = str(timestamp).encode() + b"." + payload
    return hmac.new(secret.encode(), signed, hashlib.sha256).hexdigest()


def signature_header(payload: bytes, secret: str, timestamp: int) -> str:
    """The Webhook-Signature header: t=<timestamp>,v1=<signature>."""
    return f"t={timestamp},v1={signature(payload, secret, timestamp)}"


def verify_signature(
    payload: bytes,
    header: str,
    secret: str,
    *,
    tolerance: int = DEFAULT_TOLERANCE_SECONDS,
    now: float | None = None,
) -> bool:
    """Whether the header signs this exact body with the secret, within `tolerance` seconds."""
    parts = [item.split("=", 1) for item in header.split(",") if "=" in item]
    timestamps = [value for key, value in parts if key.strip() == "t"]
    signed = [value for key, value in parts if key.strip() == "v1"]
    if len(timestamps) != 1 or not timestamps[0].isdigit() or not signed:
        return False
    timestamp = int(timestamps[0])
    if abs((time.time() if now is None else now) - timestamp) > tolerance:
        return False
    expected = signature(payload, secret, timestamp)
    return any(hmac.compare_digest(expected, candidate.strip()) for candidate in signed)
