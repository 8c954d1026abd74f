"""Scheduling setup: session types, clinic policy, weekly availability, overrides, time off."""

from __future__ import annotations

import uuid

from sqlalchemy import CheckConstraint, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from app.db.base import Base, Timestamps, UUIDPrimaryKey


class SessionType(UUIDPrimaryKey, Timestamps, Base):
    """A kind of session a therapist offers; clinic-wide defaults have no therapist."""

    __tablename__ = "session_types"
    __table_args__ = (
        CheckConstraint("duration_minutes > 0", name="duration_positive"),
        CheckConstraint(
            "buffer_before_minutes >= 0 AND buffer_after_minutes >= 0", name="buffers_non_negative"
        ),
        CheckConstraint("slot_step_minutes > 0", name="step_positive"),
        CheckConstraint("horizon_days > 0", name="horizon_positive"),
        CheckConstraint("min_notice_minutes >= 0", name="notice_non_negative"),
        CheckConstraint("capacity > 0", name="capacity_positive"),
    )

    clinic_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("clinics.id"), index=True)
    therapist_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("therapist_profiles.id"), index=True
    )
    name: Mapped[str] = mapped_column(String(80))
    duration_minutes: Mapped[int] = mapped_column(default=50)
    buffer_before_minutes: Mapped[int] = mapped_column(default=0)
    buffer_after_minutes: Mapped[int] = mapped_column(default=10)
    min_notice_minutes: Mapped[int] = mapped_column(default=24 * 60)
    horizon_days: Mapped[int] = mapped_column(default=60)
    slot_step_minutes: Mapped[int] = mapped_column(default=60)
    format: Mapped[str] = mapped_column(String(16), default="video")
    requires_approval: Mapped[bool] = mapped_column(default=False)
    is_group: Mapped[bool] = mapped_column(default=False)
    capacity: Mapped[int] = mapped_column(default=1)
    active: Mapped[bool] = mapped_column(default=True)


class SchedulingPolicy(Timestamps, Base):
    """A clinic's booking policy."""

    __tablename__ = "scheduling_policies"

    clinic_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("clinics.id"), primary_key=True)
    cancellation_window_minutes: Mapped[int] = mapped_column(default=24 * 60)
    hold_minutes: Mapped[int] = mapped_column(default=10)
    max_active_holds: Mapped[int] = mapped_column(default=3)
