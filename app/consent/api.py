"""Consent endpoints: clinics publish documents, clients accept them."""

from __future__ import annotations

import uuid
from typing import Any

from flask import request
from flask.views import MethodView

from app.consent import service
from app.consent.schemas import (
    AcceptanceSchema,
    AcceptSchema,
    ClinicQuerySchema,
    DocumentSchema,
    PublishSchema,
    StatusSchema,
)
from app.identity.models import Role
from app.web.api import ResourceBlueprint
from app.web.apidoc import documents_errors
from app.web.auth import auth_required, current_principal
from app.web.extensions import db
from app.web.locations import located
from app.web.paging import paged

clinic_blp = ResourceBlueprint(
    "clinic_consents", __name__, resource="clinics", url_prefix="/clinics"
)
document_blp = ResourceBlueprint(
    "consent_documents", __name__, resource="consent", url_prefix="/consent-documents"
)
me_blp = ResourceBlueprint("my_consents", __name__, resource="consent", url_prefix="/me/consents")
blueprints = (clinic_blp, document_blp, me_blp)


@clinic_blp.route("/<uuid:clinic_id>/consent-documents")
class ClinicDocuments(MethodView):
    @paged(clinic_blp, DocumentSchema, "DocumentPage")
    @documents_errors(clinic_blp, 404)
    def get(self, clinic_id: uuid.UUID) -> Any:
        """Every version of the clinic's consent documents, newest first per kind (public)."""
        return service.clinic_documents(clinic_id, session=db.session)

    @auth_required(clinic_blp, Role.ADMIN)
    @clinic_blp.arguments(PublishSchema)
    @located("/consent-documents/{id}")
    @clinic_blp.response(201, DocumentSchema)
    @documents_errors(clinic_blp, 404, 409)
    def post(self, data: dict[str, Any], clinic_id: uuid.UUID) -> Any:
        """Publish the next version of a document; clients accept it before their next booking."""
        return service.publish(
            session=db.session, principal=current_principal(), clinic_id=clinic_id, **data
        )


@document_blp.route("/<uuid:document_id>")
class Document(MethodView):
    @document_blp.etag
    @document_blp.response(200, DocumentSchema)
    @documents_errors(document_blp, 404)
    def get(self, document_id: uuid.UUID) -> Any:
        """One published document version (public)."""
        return service.get_document(document_id, session=db.session)


@me_blp.route("")
class MyConsents(MethodView):
    @auth_required(me_blp, Role.CLIENT)
    @paged(me_blp, StatusSchema, "ConsentStatusPage", query=ClinicQuerySchema)
    @documents_errors(me_blp, 404)
    def get(self, query: dict[str, Any]) -> Any:
        """A clinic's current documents and whether you accepted each."""
        return service.own_statuses(
            session=db.session, principal=current_principal(), clinic_id=query["clinic_id"]
        )

    @auth_required(me_blp, Role.CLIENT)
    @me_blp.arguments(AcceptSchema)
    @located("/me/consents")
    @me_blp.response(201, AcceptanceSchema(many=True))
    @documents_errors(me_blp, 404, 409)
    def post(self, data: dict[str, Any]) -> Any:
        """Accept current documents (recorded with your address and browser)."""
        return service.accept(
            session=db.session,
            principal=current_principal(),
            document_ids=data["document_ids"],
            ip_address=request.remote_addr,
            user_agent=request.user_agent.string or None,
        )
