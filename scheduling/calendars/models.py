"""Calendar subscriptions out (a therapist's feed) and in (external busy time)."""

from __future__ import annotations

import enum
import uuid
from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from app.db.base import Base, UUIDPrimaryKey, enum_column


class CalendarFeed(Base):
    """A therapist's private subscription URL, known only by its token's digest."""

    __tablename__ = "calendar_feeds"

    therapist_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("therapist_profiles.id", ondelete="CASCADE"), primary_key=True
    )
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    rotated_at: Mapped[datetime]


class ExternalSource(enum.StrEnum):
    """Where external busy time comes from."""

    URL = "url"
    UPLOAD = "upload"


class ExternalCalendar(UUIDPrimaryKey, Base):
    """An outside calendar whose events block a therapist's slots."""

    __tablename__ = "external_calendars"

    therapist_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("therapist_profiles.id", ondelete="CASCADE"), index=True
    )
    source: Mapped[ExternalSource] = mapped_column(
        enum_column(ExternalSource, "external_source", length=8)
    )
    url: Mapped[str | None] = mapped_column(String(2000))
    created_at: Mapped[datetime]
    last_attempt_at: Mapped[datetime | None]
    last_success_at: Mapped[datetime | None]
    last_error: Mapped[str | None] = mapped_column(Text)
    busy_count: Mapped[int] = mapped_column(default=0)


class ExternalBusy(UUIDPrimaryKey, Base):
    """One busy interval read from an external calendar (replaced on every good refresh)."""

    __tablename__ = "external_busy"
    __table_args__ = (Index(None, "therapist_id", "starts_at"),)

    calendar_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("external_calendars.id", ondelete="CASCADE"), index=True
    )
    therapist_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("therapist_profiles.id"))
    starts_at: Mapped[datetime]
    ends_at: Mapped[datetime]
