"""Intakes, declined matches, what was shown, outcomes, and trained ranker versions."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, String
from sqlalchemy.orm import Mapped, mapped_column

from app.db.base import Base, UUIDPrimaryKey


class RankerModel(UUIDPrimaryKey, Base):
    """A trained set of soft-score weights; the newest one is used."""

    __tablename__ = "ranker_models"

    version: Mapped[str] = mapped_column(String(40), unique=True)
    created_at: Mapped[datetime]
    weights: Mapped[dict[str, float]] = mapped_column(JSON)
    training_rows: Mapped[int]
    metrics: Mapped[dict[str, float]] = mapped_column(JSON)
