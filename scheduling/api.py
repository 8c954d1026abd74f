"""Endpoints for availability, time off, session types, slots, schedules and clinic policy."""

from __future__ import annotations

import uuid
from typing import Any

from flask.views import MethodView
from flask_smorest import Blueprint

from app.apidoc import documents_errors
from app.auth import auth_required, current_principal
from app.db import utcnow
from app.extensions import db
from app.identity.models import Role
from scheduling import availability, session_types
from scheduling.appointment_schemas import AppointmentSchema
from scheduling.lifecycle import therapist_schedule
from scheduling.schemas import (
    AvailabilitySchema,
    PolicySchema,
    SessionTypeSchema,
    SessionTypeUpdateSchema,
    SlotListSchema,
    SlotQuerySchema,
    TimeOffSchema,
    WindowQuerySchema,
)
from scheduling.search import list_slots

blp = Blueprint(
    "scheduling",
    __name__,
    url_prefix="/therapists",
    description="Availability, session types and slots",
)
clinic_blp = Blueprint(
    "clinic_scheduling", __name__, url_prefix="/clinics", description="Clinic scheduling defaults"
)
STAFF = (Role.THERAPIST, Role.ADMIN)


@blp.route("/<uuid:therapist_id>/availability")
class Availability(MethodView):
    @blp.response(200, AvailabilitySchema)
    @documents_errors(blp, 404)
    def get(self, therapist_id: uuid.UUID) -> Any:
        """Show a therapist's weekly hours and date overrides."""
        return availability.get_availability(db.session, therapist_id)

    @auth_required(blp, *STAFF)
    @blp.arguments(AvailabilitySchema)
    @blp.response(200, AvailabilitySchema)
    @documents_errors(blp, 404)
    def put(self, hours: dict[str, Any], therapist_id: uuid.UUID) -> Any:
        """Replace the whole availability at once (the therapist or their clinic's admin)."""
        return availability.replace_availability(
            db.session,
            principal=current_principal(),
            therapist_id=therapist_id,
            hours=availability.WeeklyHours(**hours),
        )


@blp.route("/<uuid:therapist_id>/time-off")
class TimeOffList(MethodView):
    @auth_required(blp, *STAFF)
    @blp.response(200, TimeOffSchema(many=True))
    @documents_errors(blp, 404)
    def get(self, therapist_id: uuid.UUID) -> Any:
        """List time off (the therapist or their clinic's admin)."""
        return availability.list_time_off(
            db.session, principal=current_principal(), therapist_id=therapist_id
        )

    @auth_required(blp, *STAFF)
    @blp.arguments(TimeOffSchema)
    @blp.response(201, TimeOffSchema)
    @documents_errors(blp, 404)
    def post(self, data: dict[str, Any], therapist_id: uuid.UUID) -> Any:
        """Add time off; slots inside it are no longer offered."""
        return availability.add_time_off(
            db.session, principal=current_principal(), therapist_id=therapist_id, **data
        )


@blp.route("/<uuid:therapist_id>/time-off/<uuid:time_off_id>")
class TimeOffEntry(MethodView):
    @auth_required(blp, *STAFF)
    @blp.response(204)
    @documents_errors(blp, 404)
    def delete(self, therapist_id: uuid.UUID, time_off_id: uuid.UUID) -> None:
        """Remove time off."""
        availability.remove_time_off(
            db.session,
            principal=current_principal(),
            therapist_id=therapist_id,
            time_off_id=time_off_id,
        )


@blp.route("/<uuid:therapist_id>/session-types")
class SessionTypes(MethodView):
    @blp.response(200, SessionTypeSchema(many=True))
    @documents_errors(blp, 404)
    def get(self, therapist_id: uuid.UUID) -> Any:
        """List the session types a therapist offers (their own, then clinic defaults)."""
        return session_types.list_session_types(db.session, therapist_id)

    @auth_required(blp, *STAFF)
    @blp.arguments(SessionTypeSchema)
    @blp.response(201, SessionTypeSchema)
    @documents_errors(blp, 404)
    def post(self, fields: dict[str, Any], therapist_id: uuid.UUID) -> Any:
        """Add a session type for the therapist."""
        return session_types.create_session_type(
            db.session, principal=current_principal(), therapist_id=therapist_id, fields=fields
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
            db.session,
            principal=current_principal(),
            therapist_id=therapist_id,
            session_type_id=session_type_id,
            changes=changes,
        )


@blp.route("/<uuid:therapist_id>/slots")
class Slots(MethodView):
    @blp.arguments(SlotQuerySchema, location="query")
    @blp.response(200, SlotListSchema)
    @documents_errors(blp, 404)
    def get(self, query: dict[str, Any], therapist_id: uuid.UUID) -> Any:
        """List bookable slots (at most 62 days), rendered in the zone `tz`."""
        return list_slots(
            db.session,
            therapist_id=therapist_id,
            session_type_id=query["session_type"],
            start=query["start"],
            end=query["end"],
            now=utcnow(),
            display_zone=query["tz"],
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
            db.session, principal=current_principal(), therapist_id=therapist_id, **query
        )


@clinic_blp.route("/<uuid:clinic_id>/session-types")
class ClinicSessionTypes(MethodView):
    @auth_required(clinic_blp, Role.ADMIN)
    @clinic_blp.arguments(SessionTypeSchema)
    @clinic_blp.response(201, SessionTypeSchema)
    @documents_errors(clinic_blp, 404)
    def post(self, fields: dict[str, Any], clinic_id: uuid.UUID) -> Any:
        """Add a clinic-wide default session type (admin)."""
        return session_types.create_clinic_session_type(
            db.session, principal=current_principal(), clinic_id=clinic_id, fields=fields
        )


@clinic_blp.route("/<uuid:clinic_id>/scheduling-policy")
class ClinicPolicy(MethodView):
    @clinic_blp.response(200, PolicySchema)
    @documents_errors(clinic_blp, 404)
    def get(self, clinic_id: uuid.UUID) -> Any:
        """Show a clinic's cancellation window and hold rules."""
        return session_types.published_policy(db.session, clinic_id)

    @auth_required(clinic_blp, Role.ADMIN)
    @clinic_blp.arguments(PolicySchema)
    @clinic_blp.response(200, PolicySchema)
    @documents_errors(clinic_blp, 404)
    def put(self, changes: dict[str, Any], clinic_id: uuid.UUID) -> Any:
        """Set the clinic's cancellation window and hold rules (admin)."""
        return session_types.update_clinic_policy(
            db.session, principal=current_principal(), clinic_id=clinic_id, changes=changes
        )
