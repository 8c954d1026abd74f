"""Domain events about appointments, written to the outbox with the change that causes them."""

from __future__ import annotations

from typing import Literal

from sqlalchemy import delete
from sqlalchemy.orm import Session

from app.clock import utcnow
from app.outbox.models import OutboxMessage, OutboxStatus
from app.outbox.queue import enqueue
from scheduling.appointments.models import Appointment

Change = Literal["booked", "rescheduled", "cancelled"]
APPOINTMENT_CHANGED = "appointment.changed"


def appointment_changed(
    appointment: Appointment,
    change: Change,
    *,
    session: Session,
    client_ids: list[str] | None = None,
) -> None:
    """Raise the calendar SEQUENCE (after the first invite) and record a snapshot of the change.

    The snapshot carries everything the invites need, so a later change cannot alter what an
    earlier message says. `client_ids` narrows a group session's change to those members (a
    seat taken or given up concerns that member only); an empty list names the host alone (a
    new group); None means the therapist and every seated member when it is handled.
    """
    if change != "booked" or appointment.ics_sequence or client_ids:
        appointment.ics_sequence += 1
    if change != "booked" and client_ids is None:
        _drop_queued_reminders(appointment, session=session)
    session.flush()
    enqueue(
        session=session,
        topic=APPOINTMENT_CHANGED,
        dedupe_key=f"{APPOINTMENT_CHANGED}:{appointment.id}:{appointment.ics_sequence}",
        payload={
            "appointment_id": str(appointment.id),
            "change": change,
            "sequence": appointment.ics_sequence,
            "starts_at": appointment.starts_at.isoformat(),
            "ends_at": appointment.ends_at.isoformat(),
            "occurred_at": utcnow().isoformat(),
            "client_ids": client_ids,
        },
    )


def _drop_queued_reminders(appointment: Appointment, *, session: Session) -> None:
    """Reminders of the old time go with the change itself, not later when it is handled."""
    session.execute(
        delete(OutboxMessage).where(
            OutboxMessage.dedupe_key.startswith(f"reminder:{appointment.id}:", autoescape=True),
            OutboxMessage.status == OutboxStatus.PENDING,
        )
    )
