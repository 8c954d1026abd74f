"""Endpoints for availability, time off, session types, slots, schedules and clinic policy."""

from __future__ import annotations

import uuid
from typing import Any

from flask.views import MethodView

from app.identity.models import Role
from app.web.api import ResourceBlueprint
from app.web.apidoc import documents_errors
from app.web.auth import auth_required, current_principal
from app.web.extensions import db
from scheduling.appointments.queries import therapist_schedule
from scheduling.appointments.schemas import AppointmentSchema
from scheduling.schemas import WindowQuerySchema

STAFF = (Role.THERAPIST, Role.ADMIN)

blp = ResourceBlueprint(
    "therapist_schedule", __name__, resource="therapists", url_prefix="/therapists"
)


@blp.route("/<uuid:therapist_id>/schedule")
class Schedule(MethodView):
    @auth_required(blp, *STAFF)
    @blp.arguments(WindowQuerySchema, location="query")
    @blp.response(200, AppointmentSchema(many=True))
    @documents_errors(blp, 404)
    def get(self, query: dict[str, Any], therapist_id: uuid.UUID) -> Any:
        """The therapist's appointments in a window (the therapist or their clinic's admin)."""
        return therapist_schedule(
            session=db.session, principal=current_principal(), therapist_id=therapist_id, **query
        )
