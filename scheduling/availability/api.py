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
from scheduling.availability import service as availability
from scheduling.availability.schemas import AvailabilitySchema, TimeOffSchema

blp = ResourceBlueprint(
    "therapist_availability", __name__, resource="therapists", url_prefix="/therapists"
)


STAFF = (Role.THERAPIST, Role.ADMIN)


@blp.route("/<uuid:therapist_id>/availability")
@blp.etag
class Availability(MethodView):
    @blp.response(200, AvailabilitySchema)
    @documents_errors(blp, 404)
    def get(self, therapist_id: uuid.UUID) -> Any:
        """Show a therapist's weekly hours and date overrides."""
        return availability.get_availability(therapist_id, session=db.session)

    @auth_required(blp, *STAFF)
    @blp.arguments(AvailabilitySchema)
    @blp.response(200, AvailabilitySchema)
    @documents_errors(blp, 404)
    def put(self, hours: dict[str, Any], therapist_id: uuid.UUID) -> Any:
        """Replace the whole availability at once (the therapist or their clinic's admin)."""
        return availability.replace_availability(
            session=db.session,
            principal=current_principal(),
            therapist_id=therapist_id,
            hours=availability.WeeklyHours(**hours),
            precondition=if_match(blp, AvailabilitySchema),
        )


@blp.route("/<uuid:therapist_id>/time-off")
class TimeOffList(MethodView):
    @auth_required(blp, *STAFF)
    @paged(blp, TimeOffSchema, "TimeOffPage")
    @documents_errors(blp, 404)
    def get(self, therapist_id: uuid.UUID) -> Any:
        """List time off (the therapist or their clinic's admin)."""
        return availability.list_time_off(
            session=db.session, principal=current_principal(), therapist_id=therapist_id
        )

    @auth_required(blp, *STAFF)
    @blp.arguments(TimeOffSchema)
    @located("/therapists/{therapist_id}/time-off/{id}")
    @blp.response(201, TimeOffSchema)
    @documents_errors(blp, 404)
    def post(self, data: dict[str, Any], therapist_id: uuid.UUID) -> Any:
        """Add time off; slots inside it are no longer offered."""
        return availability.add_time_off(
            session=db.session, principal=current_principal(), therapist_id=therapist_id, **data
        )


@blp.route("/<uuid:therapist_id>/time-off/<uuid:time_off_id>")
class TimeOffEntry(MethodView):
    @auth_required(blp, *STAFF)
    @blp.response(204)
    @documents_errors(blp, 404)
    def delete(self, therapist_id: uuid.UUID, time_off_id: uuid.UUID) -> None:
        """Remove time off."""
        availability.remove_time_off(
            session=db.session,
            principal=current_principal(),
            therapist_id=therapist_id,
            time_off_id=time_off_id,
        )
