"""Lapsed holds: cancelled by the next writer, so they stop reserving time."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import or_, update
from sqlalchemy.orm import Session

from scheduling.appointments.models import Appointment, AppointmentStatus, is_hold


def expire_stale_holds(
    *, session: Session, therapist_id: uuid.UUID, client_id: uuid.UUID | None, now: datetime
) -> None:
    """Mark lapsed holds cancelled so they stop reserving time (no background job needed)."""
    session.execute(
        update(Appointment)
        .where(
            or_(Appointment.therapist_id == therapist_id, Appointment.client_id == client_id),
            is_hold(),
            Appointment.hold_expires_at <= now,
        )
        .values(
            status=AppointmentStatus.CANCELLED,
            pending_reason=None,
            status_changed_at=now,
            cancellation_reason="hold expired",
            cancelled_by_role="system",
        )
        .execution_options(synchronize_session="fetch")
    )
