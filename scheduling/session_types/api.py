"""Endpoints for availability, time off, session types, slots, schedules and clinic policy."""

from __future__ import annotations

import uuid
from typing import Any

from flask.views import MethodView

from app.identity.models import Role
from app.web.api import ResourceBlueprint
from app.web.apidoc import documents_errors
from app.web.auth import auth_required, current_principal
from app.web.conditional import if_match
from app.web.extensions import db
from app.web.locations import located
from app.web.paging import paged
from scheduling.session_types import service as session_types
from scheduling.session_types.schemas import (
    PolicySchema,
    SessionTypeSchema,
    SessionTypeUpdateSchema,
)

blp = ResourceBlueprint(
    "therapist_session_types", __name__, resource="therapists", url_prefix="/therapists"
)
clinic_blp = ResourceBlueprint(
    "clinic_session_types", __name__, resource="clinics", url_prefix="/clinics"
)


STAFF = (Role.THERAPIST, Role.ADMIN)


@blp.route("/<uuid:therapist_id>/session-types")
class SessionTypes(MethodView):
    @paged(blp, SessionTypeSchema, "SessionTypePage")
    @documents_errors(blp, 404)
    def get(self, therapist_id: uuid.UUID) -> Any:
        """List the session types a therapist offers (their own, then clinic defaults)."""
        return session_types.list_session_types(therapist_id, session=db.session)

    @auth_required(blp, *STAFF)
    @blp.arguments(SessionTypeSchema)
    @located("/therapists/{therapist_id}/session-types/{id}")
    @blp.response(201, SessionTypeSchema)
    @documents_errors(blp, 404)
    def post(self, fields: dict[str, Any], therapist_id: uuid.UUID) -> Any:
        """Add a session type for the therapist."""
        return session_types.create_session_type(
            session=db.session,
            principal=current_principal(),
            therapist_id=therapist_id,
            fields=fields,
        )


@blp.route("/<uuid:therapist_id>/session-types/<uuid:session_type_id>")
class SessionTypeEntry(MethodView):
    @auth_required(blp, *STAFF)
    @blp.arguments(SessionTypeUpdateSchema(partial=True))
    @blp.response(200, SessionTypeSchema)
    @documents_errors(blp, 404)
    def patch(
        self, changes: dict[str, Any], therapist_id: uuid.UUID, session_type_id: uuid.UUID
    ) -> Any:
        """Edit or deactivate one of the therapist's session types."""
        return session_types.update_session_type(
            session=db.session,
            principal=current_principal(),
            therapist_id=therapist_id,
            session_type_id=session_type_id,
            changes=changes,
        )


@clinic_blp.route("/<uuid:clinic_id>/session-types")
class ClinicSessionTypes(MethodView):
    @auth_required(clinic_blp, Role.ADMIN)
    @clinic_blp.arguments(SessionTypeSchema)
    @located("/clinics/{clinic_id}/session-types")
    @clinic_blp.response(201, SessionTypeSchema)
    @documents_errors(clinic_blp, 404)
    def post(self, fields: dict[str, Any], clinic_id: uuid.UUID) -> Any:
        """Add a clinic-wide default session type (admin)."""
        return session_types.create_clinic_session_type(
            session=db.session, principal=current_principal(), clinic_id=clinic_id, fields=fields
        )


@clinic_blp.route("/<uuid:clinic_id>/scheduling-policy")
@clinic_blp.etag
class ClinicPolicy(MethodView):
    @clinic_blp.response(200, PolicySchema)
    @documents_errors(clinic_blp, 404)
    def get(self, clinic_id: uuid.UUID) -> Any:
        """Show a clinic's cancellation window and hold rules."""
        return session_types.published_policy(clinic_id, session=db.session)

    @auth_required(clinic_blp, Role.ADMIN)
    @clinic_blp.arguments(PolicySchema)
    @clinic_blp.response(200, PolicySchema)
    @documents_errors(clinic_blp, 404)
    def put(self, changes: dict[str, Any], clinic_id: uuid.UUID) -> Any:
        """Set the clinic's cancellation window and hold rules (admin)."""
        return session_types.update_clinic_policy(
            session=db.session,
            principal=current_principal(),
            clinic_id=clinic_id,
            changes=changes,
            precondition=if_match(clinic_blp, PolicySchema),
        )
