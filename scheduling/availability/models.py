"""Scheduling setup: session types, clinic policy, weekly availability, overrides, time off."""

from __future__ import annotations

import uuid
from datetime import date, datetime

from sqlalchemy import CheckConstraint, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from app.db.base import Base, Timestamps, UUIDPrimaryKey

MINUTES_PER_DAY = 24 * 60


class AvailabilityRule(UUIDPrimaryKey, Base):
    """A weekly wall-clock interval (minutes after local midnight) in the therapist's zone."""

    __tablename__ = "availability_rules"
    __table_args__ = (
        CheckConstraint("weekday BETWEEN 0 AND 6", name="weekday_range"),
        CheckConstraint(
            f"start_minute >= 0 AND end_minute <= {MINUTES_PER_DAY} AND start_minute < end_minute",
            name="interval_valid",
        ),
    )

    therapist_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("therapist_profiles.id", ondelete="CASCADE"), index=True
    )
    timezone: Mapped[str] = mapped_column(String(64))
    weekday: Mapped[int]
    start_minute: Mapped[int]
    end_minute: Mapped[int]


class AvailabilityOverride(UUIDPrimaryKey, Base):
    """Replaces one local date's hours; a row without minutes closes the date."""

    __tablename__ = "availability_overrides"
    __table_args__ = (
        Index(None, "therapist_id", "on_date"),
        CheckConstraint(
            "(start_minute IS NULL AND end_minute IS NULL) OR "
            f"(start_minute >= 0 AND end_minute <= {MINUTES_PER_DAY} "
            "AND start_minute < end_minute)",
            name="interval_valid",
        ),
    )

    therapist_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("therapist_profiles.id", ondelete="CASCADE")
    )
    on_date: Mapped[date]
    start_minute: Mapped[int | None]
    end_minute: Mapped[int | None]


class TimeOff(UUIDPrimaryKey, Timestamps, Base):
    """A range of instants when the therapist is away."""

    __tablename__ = "time_off"
    __table_args__ = (
        Index(None, "therapist_id", "starts_at"),
        CheckConstraint("starts_at < ends_at", name="range_valid"),
    )

    therapist_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("therapist_profiles.id", ondelete="CASCADE")
    )
    starts_at: Mapped[datetime]
    ends_at: Mapped[datetime]
    note: Mapped[str | None] = mapped_column(String(200))
