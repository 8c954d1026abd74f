"""Intakes, declined matches, what was shown, outcomes, and trained ranker versions."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, LargeBinary, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from app.db import Base, UUIDPrimaryKey


class Intake(UUIDPrimaryKey, Base):
    """A client's answers: where they are, what brings them, scores, preferences, payment."""

    __tablename__ = "intakes"
    __table_args__ = (Index(None, "client_id", "created_at"),)

    client_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("client_profiles.id"))
    created_at: Mapped[datetime]
    jurisdiction: Mapped[str] = mapped_column(String(8))
    timezone: Mapped[str] = mapped_column(String(64))
    concerns: Mapped[list[str]] = mapped_column(JSON)
    free_text_encrypted: Mapped[bytes | None] = mapped_column(LargeBinary)
    phq9_answers: Mapped[list[int]] = mapped_column(JSON)
    gad7_answers: Mapped[list[int]] = mapped_column(JSON)
    phq9_score: Mapped[int]
    gad7_score: Mapped[int]
    phq9_band: Mapped[str] = mapped_column(String(24))
    gad7_band: Mapped[str] = mapped_column(String(24))
    reports_risk: Mapped[bool] = mapped_column(default=False)
    high_risk: Mapped[bool] = mapped_column(default=False)
    higher_level_of_care: Mapped[bool] = mapped_column(default=False)
    preferences: Mapped[dict[str, Any]] = mapped_column(JSON)
    payment: Mapped[dict[str, Any]] = mapped_column(JSON)
    preferred_times: Mapped[list[dict[str, Any]]] = mapped_column(JSON)


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


class RankerModel(UUIDPrimaryKey, Base):
    """A trained set of soft-score weights; the newest one is used."""

    __tablename__ = "ranker_models"

    version: Mapped[str] = mapped_column(String(40), unique=True)
    created_at: Mapped[datetime]
    weights: Mapped[dict[str, float]] = mapped_column(JSON)
    training_rows: Mapped[int]
    metrics: Mapped[dict[str, float]] = mapped_column(JSON)
