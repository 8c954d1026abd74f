"""Publishing an event: one delivery per subscribed endpoint, in the change's own transaction.

Payloads carry ids, states and times (UTC, Z), never clinical content. Packages call
`publish` where they record the change, so the event commits with it or not at all.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.clock import iso_utc, utcnow
from app.outbox.queue import enqueue
from app.webhooks.models import DeliveryStatus, WebhookDelivery, WebhookEndpoint

DELIVER = "webhooks.deliver"
EVERY_EVENT = "*"
EVENT_TYPES = (
    "appointment.booked",
    "appointment.rescheduled",
    "appointment.cancelled",
    "appointment.fulfilled",
    "appointment.noshow",
    "intake.submitted",
    "payment.succeeded",
    "payment.failed",
    "payment.refunded",
    "ping",
)


def publish(
    *, session: Session, clinic_id: uuid.UUID, event_type: str, data: dict[str, Any]
) -> int:
    """Queue the event for every enabled endpoint of the clinic that wants it; how many."""
    if event_type not in EVENT_TYPES:
        raise ValueError(f"unknown webhook event type {event_type!r}")
    endpoints = session.scalars(
        select(WebhookEndpoint).where(
            WebhookEndpoint.clinic_id == clinic_id, WebhookEndpoint.enabled.is_(True)
        )
    ).all()
    wanted = [e for e in endpoints if {EVERY_EVENT, event_type} & set(e.event_types)]
    now, event_id = utcnow(), uuid.uuid4()
    body = envelope(event_id, event_type, clinic_id, data, now)
    for endpoint in wanted:
        queue_delivery(endpoint, event_id, event_type, body, session=session, now=now)
    return len(wanted)


def envelope(
    event_id: uuid.UUID,
    event_type: str,
    clinic_id: uuid.UUID,
    data: dict[str, Any],
    created: datetime,
) -> dict[str, Any]:
    """The event as receivers get it: id, type, creation time, clinic and data (ids, states)."""
    return {
        "id": f"evt_{event_id.hex}",
        "type": event_type,
        "created": iso_utc(created),
        "clinic_id": str(clinic_id),
        "data": {key: _plain(value) for key, value in data.items()},
    }


def queue_delivery(
    endpoint: WebhookEndpoint,
    event_id: uuid.UUID,
    event_type: str,
    envelope: dict[str, Any],
    *,
    session: Session,
    now: datetime,
) -> WebhookDelivery:
    """A delivery of the event to the endpoint, and the outbox message that makes the first try."""
    delivery = WebhookDelivery(
        endpoint_id=endpoint.id,
        event_id=event_id,
        event_type=event_type,
        payload=envelope,
        status=DeliveryStatus.PENDING,
        attempts=0,
        created_at=now,
        next_attempt_at=now,
    )
    session.add(delivery)
    session.flush()
    schedule_attempt(delivery, at=now, session=session)
    return delivery


def schedule_attempt(delivery: WebhookDelivery, *, at: datetime, session: Session) -> None:
    """An outbox message that makes the delivery's next attempt at `at`."""
    enqueue(
        session=session,
        topic=DELIVER,
        payload={"delivery_id": str(delivery.id), "attempt": delivery.attempts + 1},
        available_at=at,
        dedupe_key=f"webhook:{delivery.id}:{delivery.attempts + 1}:{at.timestamp()}",
    )


def _plain(value: Any) -> Any:
    if isinstance(value, uuid.UUID):
        return str(value)
    if isinstance(value, datetime):
        return iso_utc(value)
    return value
