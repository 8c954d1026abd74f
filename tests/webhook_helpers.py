"""Webhook endpoints stored directly, and the events published to them (delivery aside)."""

from __future__ import annotations

import uuid

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.clock import utcnow
from app.encryption import FieldCipher
from app.webhooks.models import WebhookDelivery, WebhookEndpoint


def endpoint_of(session: Session, cipher: FieldCipher, clinic_id: uuid.UUID) -> WebhookEndpoint:
    """An endpoint taking every event, stored directly (delivery is not under test here)."""
    now = utcnow()
    endpoint = WebhookEndpoint(
        clinic_id=clinic_id,
        url="https://hooks.example.org/in",
        event_types=["*"],
        secret_encrypted=cipher.encrypt("whsec_test"),
        enabled=True,
        created_at=now,
        updated_at=now,
    )
    session.add(endpoint)
    session.commit()
    return endpoint


def published(session: Session, endpoint: WebhookEndpoint) -> list[dict]:
    rows = session.scalars(
        select(WebhookDelivery)
        .where(WebhookDelivery.endpoint_id == endpoint.id)
        .order_by(WebhookDelivery.created_at, WebhookDelivery.id)
    )
    return [row.payload for row in rows]
