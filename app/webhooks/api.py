"""Webhook endpoints of a clinic, their delivery logs and replays (the clinic's admins)."""

from __future__ import annotations

import uuid
from typing import Any

from flask.views import MethodView

from app.encryption import FIELD_CIPHER
from app.identity.models import Role
from app.web.api import ResourceBlueprint
from app.web.apidoc import documents_errors
from app.web.auth import auth_required, current_principal
from app.web.extensions import adapter, db
from app.web.locations import located
from app.web.paging import PageQuerySchema, page_request
from app.webhooks import service
from app.webhooks.schemas import (
    DeliveryPageSchema,
    DeliveryQuerySchema,
    DeliverySchema,
    EndpointCreateSchema,
    EndpointPageSchema,
    EndpointSchema,
    EndpointSecretSchema,
    EndpointUpdateSchema,
)

blp = ResourceBlueprint(
    "webhook_endpoints", __name__, resource="webhook-endpoints", url_prefix="/clinics"
)
blueprints = (blp,)
ENDPOINT = "/<uuid:clinic_id>/webhook-endpoints/<uuid:endpoint_id>"


@blp.route("/<uuid:clinic_id>/webhook-endpoints")
class Endpoints(MethodView):
    @auth_required(blp, Role.ADMIN)
    @blp.arguments(PageQuerySchema, location="query")
    @blp.response(200, EndpointPageSchema)
    @documents_errors(blp, 404)
    def get(self, query: dict[str, Any], clinic_id: uuid.UUID) -> Any:
        """List the clinic's webhook endpoints, newest first."""
        return service.list_endpoints(
            session=db.session,
            principal=current_principal(),
            clinic_id=clinic_id,
            paging=page_request(query),
        )

    @auth_required(blp, Role.ADMIN)
    @blp.arguments(EndpointCreateSchema)
    @located("/clinics/{clinic_id}/webhook-endpoints/{endpoint[id]}")
    @blp.response(201, EndpointSecretSchema)
    @documents_errors(blp, 404)
    def post(self, data: dict[str, Any], clinic_id: uuid.UUID) -> Any:
        """Register an endpoint for events; its signing secret is shown this once."""
        return service.create_endpoint(
            session=db.session,
            principal=current_principal(),
            cipher=adapter(FIELD_CIPHER),
            clinic_id=clinic_id,
            **data,
        )


@blp.route(ENDPOINT)
class Endpoint(MethodView):
    @auth_required(blp, Role.ADMIN)
    @blp.response(200, EndpointSchema)
    @documents_errors(blp, 404)
    def get(self, clinic_id: uuid.UUID, endpoint_id: uuid.UUID) -> Any:
        """Show one of the clinic's webhook endpoints."""
        return service.get_endpoint(
            session=db.session,
            principal=current_principal(),
            clinic_id=clinic_id,
            endpoint_id=endpoint_id,
        )

    @auth_required(blp, Role.ADMIN)
    @blp.arguments(EndpointUpdateSchema)
    @blp.response(200, EndpointSchema)
    @documents_errors(blp, 404)
    def patch(self, changes: dict[str, Any], clinic_id: uuid.UUID, endpoint_id: uuid.UUID) -> Any:
        """Change an endpoint's URL, events, description or whether it is enabled."""
        return service.update_endpoint(
            session=db.session,
            principal=current_principal(),
            clinic_id=clinic_id,
            endpoint_id=endpoint_id,
            changes=changes,
        )

    @auth_required(blp, Role.ADMIN)
    @blp.response(204)
    @documents_errors(blp, 404)
    def delete(self, clinic_id: uuid.UUID, endpoint_id: uuid.UUID) -> None:
        """Remove an endpoint and its delivery log."""
        service.delete_endpoint(
            session=db.session,
            principal=current_principal(),
            clinic_id=clinic_id,
            endpoint_id=endpoint_id,
        )


@blp.route(f"{ENDPOINT}/rotate-secret")
class RotateSecret(MethodView):
    @auth_required(blp, Role.ADMIN)
    @blp.response(200, EndpointSecretSchema)
    @documents_errors(blp, 404)
    def post(self, clinic_id: uuid.UUID, endpoint_id: uuid.UUID) -> Any:
        """Give the endpoint a new signing secret (shown once); the old one stops at once."""
        return service.rotate_secret(
            session=db.session,
            principal=current_principal(),
            cipher=adapter(FIELD_CIPHER),
            clinic_id=clinic_id,
            endpoint_id=endpoint_id,
        )


@blp.route(f"{ENDPOINT}/test")
class TestEvent(MethodView):
    @auth_required(blp, Role.ADMIN)
    @blp.response(202, DeliverySchema)
    @documents_errors(blp, 404)
    def post(self, clinic_id: uuid.UUID, endpoint_id: uuid.UUID) -> Any:
        """Send a `ping` event to this endpoint (see its delivery log for how it went)."""
        return service.send_test_event(
            session=db.session,
            principal=current_principal(),
            clinic_id=clinic_id,
            endpoint_id=endpoint_id,
        )


@blp.route(f"{ENDPOINT}/deliveries")
class Deliveries(MethodView):
    @auth_required(blp, Role.ADMIN)
    @blp.arguments(DeliveryQuerySchema, location="query")
    @blp.response(200, DeliveryPageSchema)
    @documents_errors(blp, 404)
    def get(self, query: dict[str, Any], clinic_id: uuid.UUID, endpoint_id: uuid.UUID) -> Any:
        """The endpoint's delivery log, newest first: attempts, status codes, errors."""
        return service.list_deliveries(
            session=db.session,
            principal=current_principal(),
            clinic_id=clinic_id,
            endpoint_id=endpoint_id,
            paging=page_request(query),
            **query,
        )


@blp.route("/<uuid:clinic_id>/webhook-deliveries/<uuid:delivery_id>/replay")
class Replay(MethodView):
    @auth_required(blp, Role.ADMIN)
    @blp.response(202, DeliverySchema)
    @documents_errors(blp, 404)
    def post(self, clinic_id: uuid.UUID, delivery_id: uuid.UUID) -> Any:
        """Send a delivery's event again: same event id, fresh signature, a new log entry."""
        return service.replay_delivery(
            session=db.session,
            principal=current_principal(),
            clinic_id=clinic_id,
            delivery_id=delivery_id,
        )
