"""`GET /clients/{id}/consents`: a therapist or admin checks their client's consent."""

from __future__ import annotations

import uuid
from typing import Any

from flask.views import MethodView

from app.consent.schemas import StatusSchema
from app.identity.models import Role
from app.web.api import ResourceBlueprint
from app.web.apidoc import documents_errors
from app.web.auth import auth_required, current_principal
from app.web.extensions import db
from app.web.paging import paged
from scheduling.clients.service import client_consents

blp = ResourceBlueprint("client_consents", __name__, resource="consent", url_prefix="/clients")


@blp.route("/<uuid:client_id>/consents")
class ClientConsents(MethodView):
    @auth_required(blp, Role.THERAPIST, Role.ADMIN)
    @paged(blp, StatusSchema, "ClientConsentStatusPage")
    @documents_errors(blp, 404)
    def get(self, client_id: uuid.UUID) -> Any:
        """Whether your client accepted your clinic's current documents (audit-logged)."""
        return client_consents(
            session=db.session, principal=current_principal(), client_id=client_id
        )
