"""Domain events about appointments, written to the outbox with the change that causes them."""

from __future__ import annotations

from typing import Any, Literal

from sqlalchemy import delete
from sqlalchemy.orm import Session

from app.clock import utcnow
from app.outbox.models import OutboxMessage, OutboxStatus
from app.outbox.queue import enqueue
from app.webhooks.events import publish
from scheduling.appointments.models import Appointment, AppointmentStatus

Change = Literal["booked", "rescheduled", "cancelled"]
APPOINTMENT_CHANGED = "appointment.changed"
APPOINTMENT_STATUS_CHANGED = "appointment.status_changed"


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
    publish(
        session=session,
        clinic_id=appointment.clinic_id,
        event_type=f"appointment.{change}",
        data={**_webhook_data(appointment), "client_ids": client_ids},
    )


def status_changed(appointment: Appointment, *, session: Session) -> None:
    """Record that a one-to-one appointment ended (cancelled, declined) or was held (an outcome).

    Billing reacts to it (release, capture, fees, refunds); the payload is what that needs.
    """
    if appointment.client_id is None:
        return
    if appointment.status in (AppointmentStatus.FULFILLED, AppointmentStatus.NOSHOW):
        publish(
            session=session,
            clinic_id=appointment.clinic_id,
            event_type=f"appointment.{appointment.status.value}",
            data=_webhook_data(appointment),
        )
    enqueue(
        session=session,
        topic=APPOINTMENT_STATUS_CHANGED,
        dedupe_key=f"{APPOINTMENT_STATUS_CHANGED}:{appointment.id}:{appointment.status.value}",
        payload={
            "appointment_id": str(appointment.id),
            "status": appointment.status.value,
            "late_cancellation": appointment.late_cancellation,
            "cancelled_by_role": appointment.cancelled_by_role,
            "occurred_at": utcnow().isoformat(),
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


def _webhook_data(appointment: Appointment) -> dict[str, Any]:
    """What a clinic's systems learn of an appointment: ids, state and times, nothing clinical."""
    return {
        "appointment_id": appointment.id,
        "kind": appointment.kind.value,
        "status": appointment.status.value,
        "therapist_id": appointment.therapist_id,
        "client_id": appointment.client_id,
        "session_type_id": appointment.session_type_id,
        "series_id": appointment.series_id,
        "starts_at": appointment.starts_at,
        "ends_at": appointment.ends_at,
    }
