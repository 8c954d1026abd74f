"""Scheduling setup: session types, clinic policy, weekly availability, overrides, time off."""

from __future__ import annotations

import uuid

from sqlalchemy import CheckConstraint, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from app.db.base import Base, Timestamps, UUIDPrimaryKey
from scheduling.session_types.defaults import POLICY_DEFAULTS as POLICY
from scheduling.session_types.defaults import SESSION_TYPE_DEFAULTS as DEFAULT


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
    duration_minutes: Mapped[int] = mapped_column(default=DEFAULT.duration_minutes)
    buffer_before_minutes: Mapped[int] = mapped_column(default=DEFAULT.buffer_before_minutes)
    buffer_after_minutes: Mapped[int] = mapped_column(default=DEFAULT.buffer_after_minutes)
    min_notice_minutes: Mapped[int] = mapped_column(default=DEFAULT.min_notice_minutes)
    horizon_days: Mapped[int] = mapped_column(default=DEFAULT.horizon_days)
    slot_step_minutes: Mapped[int] = mapped_column(default=DEFAULT.slot_step_minutes)
    format: Mapped[str] = mapped_column(String(16), default=DEFAULT.format)
    requires_approval: Mapped[bool] = mapped_column(default=DEFAULT.requires_approval)
    is_group: Mapped[bool] = mapped_column(default=DEFAULT.is_group)
    capacity: Mapped[int] = mapped_column(default=DEFAULT.capacity)
    active: Mapped[bool] = mapped_column(default=DEFAULT.active)


class SchedulingPolicy(Timestamps, Base):
    """A clinic's booking policy."""

    __tablename__ = "scheduling_policies"

    clinic_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("clinics.id"), primary_key=True)
    cancellation_window_minutes: Mapped[int] = mapped_column(
        default=POLICY.cancellation_window_minutes
    )
    hold_minutes: Mapped[int] = mapped_column(default=POLICY.hold_minutes)
    max_active_holds: Mapped[int] = mapped_column(default=POLICY.max_active_holds)
