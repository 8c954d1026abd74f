"""Delivering one attempt of a webhook: sign, POST through the SSRF-safe client, record.

Each attempt records its outcome on the delivery and, when it failed, schedules the next one
itself (exponential backoff, then `dead`), and returns normally: the outbox's own retry would
roll the record back. A worker that dies after the POST and before its commit makes the
attempt again with the same event id, which receivers use to drop duplicates.
"""

from __future__ import annotations

import json
import logging
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy.orm import Session

from app.clock import utcnow
from app.encryption import FieldCipher
from app.outbound.fetching import Answer, FetchRefused
from app.outbox.models import OutboxMessage
from app.webhooks.events import schedule_attempt
from app.webhooks.models import DeliveryStatus, WebhookDelivery, WebhookEndpoint
from app.webhooks.signing import signature_header

Poster = Callable[[str, bytes, dict[str, str]], Answer]
logger = logging.getLogger(__name__)
USER_AGENT = "TeletherapyWebhooks/1"
MAX_ERROR = 300


@dataclass(frozen=True)
class RetrySchedule:
    """How often and how long a failing delivery is tried again."""

    max_attempts: int = 10
    base: timedelta = timedelta(minutes=1)
    cap: timedelta = timedelta(hours=6)

    def after(self, attempts: int) -> timedelta:
        """The wait after the given number of failed attempts: base, 2x, 4x ... up to cap."""
        wait: timedelta = min(self.base * 2 ** (attempts - 1), self.cap)
        return wait


def body_of(delivery: WebhookDelivery) -> bytes:
    """The exact bytes sent (and signed): compact JSON with sorted keys."""
    return json.dumps(delivery.payload, separators=(",", ":"), sort_keys=True).encode()


class WebhookSender:
    """The outbox handler of `webhooks.deliver`: one attempt of one delivery."""

    def __init__(self, post: Poster, cipher: FieldCipher, schedule: RetrySchedule) -> None:
        self._post = post
        self._cipher = cipher
        self._schedule = schedule

    def __call__(self, message: OutboxMessage, *, session: Session) -> None:
        """Make the attempt the message names, unless the delivery moved on since."""
        delivery = session.get(WebhookDelivery, uuid.UUID(message.payload["delivery_id"]))
        if delivery is None or delivery.status in (DeliveryStatus.SUCCEEDED, DeliveryStatus.DEAD):
            return
        if message.payload.get("attempt") != delivery.attempts + 1:
            return  # an attempt already made (a crashed worker's message, seen again)
        now = utcnow()
        delivery.attempts += 1
        delivery.last_attempt_at = now
        endpoint = session.get(WebhookEndpoint, delivery.endpoint_id)
        if endpoint is None or not endpoint.enabled:
            delivery.status, delivery.next_attempt_at = DeliveryStatus.DEAD, None
            delivery.last_error = "The endpoint is disabled."
            return
        try:
            answer = self._send(endpoint, delivery, now)
        except FetchRefused as refused:
            self._failed(delivery, None, str(refused), now, session=session)
            return
        except Exception as error:  # an unreadable secret, a bug: this delivery alone fails
            logger.exception("webhook attempt failed", extra={"delivery_id": str(delivery.id)})
            self._failed(delivery, None, f"{type(error).__name__}", now, session=session)
            return
        if 200 <= answer.status < 300:
            delivery.status, delivery.delivered_at = DeliveryStatus.SUCCEEDED, now
            delivery.last_status_code, delivery.last_error = answer.status, None
            delivery.next_attempt_at = None
            return
        said = answer.body[:100].decode("utf-8", "replace")
        reason = f"The endpoint answered {answer.status}: {said}".strip().rstrip(":")
        self._failed(delivery, answer.status, reason, now, session=session)

    def _send(self, endpoint: WebhookEndpoint, delivery: WebhookDelivery, now: datetime) -> Answer:
        body = body_of(delivery)
        secret = self._cipher.decrypt(endpoint.secret_encrypted)
        headers = {
            "Content-Type": "application/json",
            "User-Agent": USER_AGENT,
            "Webhook-Id": str(delivery.payload["id"]),
            "Webhook-Signature": signature_header(body, secret, int(now.timestamp())),
        }
        return self._post(endpoint.url, body, headers)

    def _failed(
        self,
        delivery: WebhookDelivery,
        status_code: int | None,
        reason: str,
        now: datetime,
        *,
        session: Session,
    ) -> None:
        delivery.last_status_code = status_code
        delivery.last_error = reason[:MAX_ERROR]
        if delivery.attempts >= self._schedule.max_attempts:
            delivery.status, delivery.next_attempt_at = DeliveryStatus.DEAD, None
            return
        delivery.status = DeliveryStatus.FAILED
        delivery.next_attempt_at = now + self._schedule.after(delivery.attempts)
        schedule_attempt(delivery, at=delivery.next_attempt_at, session=session)
