"""Webhook payloads and ``Stripe-Signature`` headers exactly as Stripe makes them."""

from __future__ import annotations

import hashlib
import hmac
import json
import time
from typing import Any


def sign_payload(payload: bytes | str, secret: str, timestamp: int | None = None) -> str:
    """The ``Stripe-Signature`` header value ``t=<ts>,v1=<hmac-sha256 of "<ts>.<payload>">``."""
    t = int(time.time()) if timestamp is None else timestamp
    body = payload.decode("utf-8") if isinstance(payload, bytes) else payload
    digest = hmac.new(secret.encode(), f"{t}.{body}".encode(), hashlib.sha256).hexdigest()
    return f"t={t},v1={digest}"


def event_payload(event: dict[str, Any]) -> bytes:
    """The webhook body Stripe would POST for an Event (pretty-printed JSON)."""
    return json.dumps(event, indent=2).encode("utf-8")
