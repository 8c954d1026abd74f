"""The transactional outbox: messages written with the change that causes them, sent later."""

from __future__ import annotations

import enum
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Enum, Index, String, Text
from sqlalchemy.orm import Mapped, Session, mapped_column

from app.db import Base, UUIDPrimaryKey, utcnow


class OutboxStatus(enum.StrEnum):
    """Where a message is in its delivery."""

    PENDING = "pending"
    SENT = "sent"
    DEAD = "dead"


class OutboxMessage(UUIDPrimaryKey, Base):
    """One message to deliver at least once (email, alert, webhook)."""

    __tablename__ = "outbox_messages"
    __table_args__ = (Index(None, "status", "available_at"),)

    topic: Mapped[str] = mapped_column(String(64))
    payload: Mapped[dict[str, Any]] = mapped_column(JSON)
    dedupe_key: Mapped[str | None] = mapped_column(String(200), unique=True)
    status: Mapped[OutboxStatus] = mapped_column(
        Enum(
            OutboxStatus,
            name="outbox_status",
            native_enum=False,
            create_constraint=True,
            length=16,
            values_callable=lambda e: [m.value for m in e],
        ),
        default=OutboxStatus.PENDING,
    )
    created_at: Mapped[datetime]
    available_at: Mapped[datetime]
    attempts: Mapped[int] = mapped_column(default=0)
    last_error: Mapped[str | None] = mapped_column(Text)
    sent_at: Mapped[datetime | None]


def enqueue(
    session: Session,
    *,
    topic: str,
    payload: dict[str, Any],
    available_at: datetime | None = None,
    dedupe_key: str | None = None,
) -> OutboxMessage:
    """Add a message to the session; it commits (or not) with the use case that caused it."""
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
