"""Every change in an appointment's life is audited in the transaction that makes it.

Each `AppointmentEvent` (booked, held, cancelled, rescheduled, marked completed or missed, ...)
is the one place every appointment write goes through, so a flush hook turns each new one into
an audit row naming the actor, the client whose care it is and the clinic; no use case can
forget it.
"""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import event
from sqlalchemy.orm import Session

from app.audit import record_phi_access
from scheduling.appointments.models import Appointment, AppointmentEvent


def audit_appointment_events(session: Session, flush_context: Any, instances: Any) -> None:
    """Add an audit row for each appointment event about to be written."""
    for change in [obj for obj in session.new if isinstance(obj, AppointmentEvent)]:
        appointment: Appointment = change.appointment
        if appointment.id is None:
            appointment.id = uuid.uuid4()  # a new appointment: give it its id before the insert
        audit_appointment_read(
            session=session,
            actor_id=change.actor_user_id,
            appointment=appointment,
            action=f"appointment.{change.action}",
        )


def audit_appointment_read(
    *, session: Session, actor_id: uuid.UUID | None, appointment: Appointment, action: str = "read"
) -> None:
    """Record that someone looked at an appointment (or its invite, or its room)."""
    record_phi_access(
        session=session,
        actor_id=actor_id,
        action=action,
        resource_type="appointment",
        resource_id=appointment.id,
        subject_client_id=appointment.client_id,
        clinic_id=appointment.clinic_id,
    )


def install_appointment_audit() -> None:
    """Listen on every session (idempotent: installing twice keeps one listener)."""
    if not event.contains(Session, "before_flush", audit_appointment_events):
        event.listen(Session, "before_flush", audit_appointment_events)
