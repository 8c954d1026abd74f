"""Schemas of the webhook endpoints API."""

from __future__ import annotations

from typing import Any

from marshmallow import Schema, fields, validate

from app.web.fields import Instant, one_line
from app.web.paging import PageQuerySchema, page_schema
from app.webhooks.events import EVENT_TYPES, EVERY_EVENT
from app.webhooks.models import DeliveryStatus


def event_types(**kwargs: Any) -> fields.List[str]:
    """Event types an endpoint takes; ["*"] for every event."""
    return fields.List(
        fields.String(validate=validate.OneOf([*EVENT_TYPES, EVERY_EVENT])),
        validate=validate.Length(min=1, max=len(EVENT_TYPES) + 1),
        metadata={"description": f"Any of {', '.join(EVENT_TYPES)}; or * for every event"},
        **kwargs,
    )


def endpoint_url(**kwargs: Any) -> fields.String:
    """An http(s) URL of a public address (checked again at every delivery)."""
    return fields.String(
        validate=validate.Length(min=1, max=2000), metadata={"format": "uri"}, **kwargs
    )


class EndpointCreateSchema(Schema):
    """An endpoint to register."""

    url = endpoint_url(required=True)
    event_types = event_types(required=True)
    description = one_line(200, load_default=None)


class EndpointUpdateSchema(Schema):
    """What to change on an endpoint."""

    url = endpoint_url()
    event_types = event_types()
    description = one_line(200, allow_none=True)
    enabled = fields.Boolean()


class EndpointSchema(Schema):
    """A webhook endpoint (its secret is shown only when created or rotated)."""

    id = fields.UUID()
    clinic_id = fields.UUID()
    url = fields.String()
    description = fields.String(allow_none=True)
    event_types = fields.List(fields.String())
    enabled = fields.Boolean()
    created_at = Instant()
    updated_at = Instant()


class EndpointSecretSchema(Schema):
    """An endpoint with its signing secret: keep it; it is not shown again."""

    endpoint = fields.Nested(EndpointSchema)
    secret = fields.String(metadata={"description": "whsec_...: verify Webhook-Signature with it"})


class DeliverySchema(Schema):
    """One delivery of an event to an endpoint, and how its attempts went."""

    id = fields.UUID()
    endpoint_id = fields.UUID()
    event_id = fields.String(attribute="payload.id", metadata={"description": "evt_..."})
    event_type = fields.String()
    payload = fields.Dict(metadata={"description": "The event exactly as sent"})
    status = fields.Enum(DeliveryStatus, by_value=True)
    attempts = fields.Integer()
    last_status_code = fields.Integer(allow_none=True)
    last_error = fields.String(allow_none=True)
    created_at = Instant()
    last_attempt_at = Instant(allow_none=True)
    next_attempt_at = Instant(allow_none=True)
    delivered_at = Instant(allow_none=True)


class DeliveryQuerySchema(PageQuerySchema):
    """Which deliveries, and which page."""

    status = fields.Enum(DeliveryStatus, by_value=True)


EndpointPageSchema = page_schema(EndpointSchema, "WebhookEndpointPage")
DeliveryPageSchema = page_schema(DeliverySchema, "WebhookDeliveryPage")
