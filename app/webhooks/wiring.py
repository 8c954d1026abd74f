"""The webhook sender: its HTTP client (the SSRF rules of every outgoing call) and retries."""

from __future__ import annotations

from datetime import timedelta
from functools import partial
from typing import Any

from app.encryption import FieldCipher
from app.outbound.fetching import FetchPolicy, post
from app.outbox.handlers import OutboxHandlers
from app.webhooks.delivery import RetrySchedule, WebhookSender
from app.webhooks.events import DELIVER

RESPONSE_BYTES_KEPT = 4096


def register(handlers: OutboxHandlers, config: dict[str, Any], *, cipher: FieldCipher) -> None:
    """Deliver `webhooks.deliver` messages with the configured limits."""
    policy = FetchPolicy(
        max_bytes=RESPONSE_BYTES_KEPT,
        timeout=config["WEBHOOK_TIMEOUT_SECONDS"],
        allowed_networks=tuple(config["WEBHOOK_ALLOWED_NETWORKS"]),
    )
    schedule = RetrySchedule(
        max_attempts=config["WEBHOOK_MAX_ATTEMPTS"],
        base=timedelta(seconds=config["WEBHOOK_RETRY_BASE_SECONDS"]),
    )
    handlers.register(DELIVER, WebhookSender(partial(_post, policy=policy), cipher, schedule))


def _post(url: str, body: bytes, headers: dict[str, str], *, policy: FetchPolicy) -> Any:
    return post(url, body, headers, policy)
