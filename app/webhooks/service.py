"""A clinic admin's webhook use cases: endpoints, their secrets, the delivery log, replays."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.clock import utcnow
from app.db.paging import Page, PageRequest, paginate
from app.db.unit_of_work import unit_of_work
from app.directory.clinics import managed_clinic
from app.encryption import FieldCipher
from app.exceptions import InvalidRequest, NotFound
from app.identity.service import Principal
from app.outbound.fetching import FetchRefused, parse_outbound_url
from app.webhooks.events import EVENT_TYPES, EVERY_EVENT, envelope, queue_delivery
from app.webhooks.models import DeliveryStatus, WebhookDelivery, WebhookEndpoint
from app.webhooks.signing import new_secret


class WebhookNotFound(NotFound):
    """No such endpoint or delivery among the caller's clinic's."""


@dataclass(frozen=True)
class CreatedEndpoint:
    """A new endpoint and its secret, shown this once."""

    endpoint: WebhookEndpoint
    secret: str


def _checked_url(url: str) -> str:
    try:
        parse_outbound_url(url)
    except FetchRefused as refused:
        raise InvalidRequest(str(refused), errors={"url": [str(refused)]}) from None
    return url


def _checked_types(event_types: list[str]) -> list[str]:
    unknown = sorted(set(event_types) - {*EVENT_TYPES, EVERY_EVENT})
    if unknown:
        raise InvalidRequest(
            "Unknown event types.",
            errors={
                "event_types": [f"Unknown: {', '.join(unknown)}. Known: {', '.join(EVENT_TYPES)}."]
            },
        )
    return sorted(set(event_types))


def _endpoint(
    principal: Principal, clinic_id: uuid.UUID, endpoint_id: uuid.UUID, *, session: Session
) -> WebhookEndpoint:
    managed_clinic(principal, clinic_id, session=session)
    endpoint = session.get(WebhookEndpoint, endpoint_id)
    if endpoint is None or endpoint.clinic_id != clinic_id:
        raise WebhookNotFound("No webhook endpoint with this id in your clinic.")
    return endpoint


@unit_of_work
def create_endpoint(
    *,
    session: Session,
    principal: Principal,
    cipher: FieldCipher,
    clinic_id: uuid.UUID,
    url: str,
    event_types: list[str],
    description: str | None = None,
) -> CreatedEndpoint:
    """Register an endpoint for the clinic's events; its signing secret is returned once."""
    managed_clinic(principal, clinic_id, session=session)
    secret, now = new_secret(), utcnow()
    endpoint = WebhookEndpoint(
        clinic_id=clinic_id,
        url=_checked_url(url),
        description=description,
        event_types=_checked_types(event_types),
        secret_encrypted=cipher.encrypt(secret),
        enabled=True,
        created_at=now,
        updated_at=now,
    )
    session.add(endpoint)
    session.flush()
    return CreatedEndpoint(endpoint, secret)


@unit_of_work
def list_endpoints(
    *, session: Session, principal: Principal, clinic_id: uuid.UUID, paging: PageRequest
) -> Page[WebhookEndpoint]:
    """The clinic's endpoints, newest first."""
    managed_clinic(principal, clinic_id, session=session)
    query = (
        select(WebhookEndpoint)
        .where(WebhookEndpoint.clinic_id == clinic_id)
        .order_by(WebhookEndpoint.created_at.desc(), WebhookEndpoint.id)
    )
    return paginate(session, query, paging)


@unit_of_work
def get_endpoint(
    *, session: Session, principal: Principal, clinic_id: uuid.UUID, endpoint_id: uuid.UUID
) -> WebhookEndpoint:
    """One of the clinic's endpoints."""
    return _endpoint(principal, clinic_id, endpoint_id, session=session)


@unit_of_work
def update_endpoint(
    *,
    session: Session,
    principal: Principal,
    clinic_id: uuid.UUID,
    endpoint_id: uuid.UUID,
    changes: dict[str, Any],
) -> WebhookEndpoint:
    """Change an endpoint's URL, description, events or whether it is enabled."""
    endpoint = _endpoint(principal, clinic_id, endpoint_id, session=session)
    if "url" in changes:
        endpoint.url = _checked_url(changes["url"])
    if "event_types" in changes:
        endpoint.event_types = _checked_types(changes["event_types"])
    if "description" in changes:
        endpoint.description = changes["description"]
    if "enabled" in changes:
        endpoint.enabled = changes["enabled"]
    endpoint.updated_at = utcnow()
    return endpoint


@unit_of_work
def delete_endpoint(
    *, session: Session, principal: Principal, clinic_id: uuid.UUID, endpoint_id: uuid.UUID
) -> None:
    """Remove an endpoint and its delivery log."""
    session.delete(_endpoint(principal, clinic_id, endpoint_id, session=session))


@unit_of_work
def rotate_secret(
    *,
    session: Session,
    principal: Principal,
    cipher: FieldCipher,
    clinic_id: uuid.UUID,
    endpoint_id: uuid.UUID,
) -> CreatedEndpoint:
    """A new signing secret; the old one stops signing at once."""
    endpoint = _endpoint(principal, clinic_id, endpoint_id, session=session)
    secret = new_secret()
    endpoint.secret_encrypted = cipher.encrypt(secret)
    endpoint.updated_at = utcnow()
    return CreatedEndpoint(endpoint, secret)


@unit_of_work
def list_deliveries(
    *,
    session: Session,
    principal: Principal,
    clinic_id: uuid.UUID,
    endpoint_id: uuid.UUID,
    paging: PageRequest,
    status: DeliveryStatus | None = None,
) -> Page[WebhookDelivery]:
    """An endpoint's delivery log, newest first."""
    _endpoint(principal, clinic_id, endpoint_id, session=session)
    query = select(WebhookDelivery).where(WebhookDelivery.endpoint_id == endpoint_id)
    if status is not None:
        query = query.where(WebhookDelivery.status == status)
    query = query.order_by(WebhookDelivery.created_at.desc(), WebhookDelivery.id)
    return paginate(session, query, paging)


@unit_of_work
def replay_delivery(
    *, session: Session, principal: Principal, clinic_id: uuid.UUID, delivery_id: uuid.UUID
) -> WebhookDelivery:
    """Send a delivery's event again (same event id, fresh signature) as a new delivery."""
    managed_clinic(principal, clinic_id, session=session)
    original = session.get(WebhookDelivery, delivery_id)
    endpoint = None if original is None else session.get(WebhookEndpoint, original.endpoint_id)
    if original is None or endpoint is None or endpoint.clinic_id != clinic_id:
        raise WebhookNotFound("No webhook delivery with this id in your clinic.")
    return queue_delivery(
        endpoint,
        original.event_id,
        original.event_type,
        original.payload,
        session=session,
        now=utcnow(),
    )


@unit_of_work
def send_test_event(
    *, session: Session, principal: Principal, clinic_id: uuid.UUID, endpoint_id: uuid.UUID
) -> WebhookDelivery:
    """Send a `ping` event to this endpoint, whatever events it takes."""
    endpoint = _endpoint(principal, clinic_id, endpoint_id, session=session)
    now, event_id = utcnow(), uuid.uuid4()
    ping = envelope(event_id, "ping", clinic_id, {"endpoint_id": endpoint_id}, now)
    return queue_delivery(endpoint, event_id, "ping", ping, session=session, now=now)
