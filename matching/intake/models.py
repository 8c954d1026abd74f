"""Intakes, declined matches, what was shown, outcomes, and trained ranker versions."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, LargeBinary, String
from sqlalchemy.orm import Mapped, mapped_column

from app.db.base import Base, UUIDPrimaryKey


class Intake(UUIDPrimaryKey, Base):
    """A client's answers: where they are, what brings them, scores, preferences, payment."""

    __tablename__ = "intakes"
    __table_args__ = (Index(None, "client_id", "created_at"), Index(None, "created_at"))

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
