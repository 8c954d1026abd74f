"""An appointment's history: every status change, stamped with who and when."""

from __future__ import annotations

import uuid
from datetime import datetime

from app.clock import utcnow
from scheduling.appointments.models import (
    Appointment,
    AppointmentEvent,
    AppointmentStatus,
    PendingReason,
)


def record_event(
    appointment: Appointment,
    *,
    action: str,
    actor_id: uuid.UUID | None,
    from_status: AppointmentStatus | None,
    reason: str | None = None,
) -> None:
    """Append one entry to the appointment's history."""
    appointment.events.append(
        AppointmentEvent(
            at=utcnow(),
            actor_user_id=actor_id,
            action=action,
            from_status=from_status.value if from_status else None,
            to_status=appointment.status.value,
            starts_at=appointment.starts_at,
            reason=reason,
        )
    )


def set_status(
    appointment: Appointment,
    status: AppointmentStatus,
    *,
    actor_id: uuid.UUID,
    now: datetime,
    action: str,
    reason: str | None = None,
    pending_reason: PendingReason | None = None,
) -> None:
    """Change the status, stamp who and when, and record it in the history."""
    previous = appointment.status
    appointment.status, appointment.pending_reason = status, pending_reason
    appointment.status_changed_at, appointment.status_changed_by_id = now, actor_id
    if pending_reason is not PendingReason.HOLD:
        appointment.hold_expires_at = None
    record_event(appointment, action=action, actor_id=actor_id, from_status=previous, reason=reason)
