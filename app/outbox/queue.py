"""Put a message in the outbox; it commits (or not) with the use case that caused it."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from app.clock import utcnow
from app.outbox.models import OutboxMessage, OutboxStatus


def enqueue(
    *,
    session: Session,
    topic: str,
    payload: dict[str, Any],
    available_at: datetime | None = None,
    dedupe_key: str | None = None,
) -> OutboxMessage:
    """Add a message to the session for the handler registered under its topic."""
    now = utcnow()
    message = OutboxMessage(
        topic=topic,
        payload=payload,
        dedupe_key=dedupe_key,
        status=OutboxStatus.PENDING,
        created_at=now,
        available_at=available_at or now,
        attempts=0,
    )
    session.add(message)
    return message
