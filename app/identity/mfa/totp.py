"""Time-based one-time passwords (RFC 6238) with pyotp, and one-time recovery codes."""

from __future__ import annotations

import hmac
import secrets
from datetime import datetime

import pyotp

STEP_SECONDS = 30
DRIFT_STEPS = 1  # a code from the step before or after is accepted (clock drift)
RECOVERY_CODES = 10


def new_secret() -> str:
    """A fresh base32 secret of 160 bits (RFC 4226's recommended length)."""
    return pyotp.random_base32(32)


def provisioning_uri(secret: str, *, account: str, issuer: str) -> str:
    """The otpauth:// URI an authenticator app reads from a QR code."""
    return pyotp.TOTP(secret, interval=STEP_SECONDS).provisioning_uri(
        name=account, issuer_name=issuer
    )


def step_of(instant: datetime) -> int:
    """The RFC 6238 time step an instant falls in."""
    return int(instant.timestamp()) // STEP_SECONDS


def matching_step(secret: str, code: str, *, at: datetime, after: int | None) -> int | None:
    """The step whose code this is (within the drift, later than `after`), or None."""
    code = code.strip().replace(" ", "")
    if not (code.isascii() and code.isdigit() and len(code) == 6):
        return None
    otp = pyotp.TOTP(secret, interval=STEP_SECONDS)
    current = step_of(at)
    for step in range(current - DRIFT_STEPS, current + DRIFT_STEPS + 1):
        if after is not None and step <= after:
            continue  # already used, or older than a used one: a replay
        if hmac.compare_digest(otp.generate_otp(step), code):
            return step
    return None


def new_recovery_codes() -> list[str]:
    """Ten random codes of 50 bits each, written as two groups of five hex digits."""
    return [f"{raw[:5]}-{raw[5:]}" for raw in (secrets.token_hex(5) for _ in range(RECOVERY_CODES))]


def normalize_recovery_code(code: str) -> str:
    """The canonical form of a typed recovery code (case, spaces and dashes ignored)."""
    raw = "".join(code.split()).replace("-", "").lower()
    return f"{raw[:5]}-{raw[5:]}"
