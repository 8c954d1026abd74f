"""Intakes, declined matches, what was shown, outcomes, and trained ranker versions."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import JSON, ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from app.db.base import Base, UUIDPrimaryKey


class MatchDecline(UUIDPrimaryKey, Base):
    """A therapist the client turned down for this intake; never suggested again for it."""

    __tablename__ = "match_declines"
    __table_args__ = (UniqueConstraint("intake_id", "therapist_id"),)

    intake_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("intakes.id", ondelete="CASCADE"))
    therapist_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("therapist_profiles.id"))
    reason: Mapped[str | None] = mapped_column(String(500))
    created_at: Mapped[datetime]


class MatchExposure(UUIDPrimaryKey, Base):
    """A therapist shown for an intake, with the features it was ranked on (for training)."""

    __tablename__ = "match_exposures"
    __table_args__ = (UniqueConstraint("intake_id", "therapist_id"),)

    intake_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("intakes.id", ondelete="CASCADE"))
    therapist_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("therapist_profiles.id"))
    rank: Mapped[int]
    features: Mapped[dict[str, float]] = mapped_column(JSON)
    model_version: Mapped[str] = mapped_column(String(40))
    shown_at: Mapped[datetime]


class MatchOutcome(UUIDPrimaryKey, Base):
    """What happened after a match: booked, sessions attended, dropout, symptom change."""

    __tablename__ = "match_outcomes"
    __table_args__ = (
        UniqueConstraint("intake_id", "therapist_id"),
        Index(None, "therapist_id", "domain"),
    )

    intake_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("intakes.id", ondelete="CASCADE"))
    therapist_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("therapist_profiles.id"))
    domain: Mapped[str] = mapped_column(String(24))
    booked: Mapped[bool]
    sessions_attended: Mapped[int] = mapped_column(default=0)
    dropped_out: Mapped[bool] = mapped_column(default=False)
    score_change: Mapped[float | None]
    recorded_at: Mapped[datetime]
