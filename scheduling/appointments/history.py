"""Checks every booking path shares: license, intake of new clients, slot, client's own time."""

from __future__ import annotations

import uuid

from app.clock import utcnow
from scheduling.appointments.models import (
    Appointment,
    AppointmentEvent,
    AppointmentStatus,
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
