"""The outbox table: one row per message to deliver at least once."""

from __future__ import annotations

import enum
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from app.db.base import Base, UUIDPrimaryKey, enum_column


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
        enum_column(OutboxStatus, "outbox_status"),
        default=OutboxStatus.PENDING,
    )
    created_at: Mapped[datetime]
    available_at: Mapped[datetime]
    attempts: Mapped[int] = mapped_column(default=0)
    last_error: Mapped[str | None] = mapped_column(Text)
    sent_at: Mapped[datetime | None]
