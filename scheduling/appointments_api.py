"""Endpoints for appointments, recurring series and group sessions."""

from __future__ import annotations

import uuid
from typing import Any

from flask.views import MethodView
from flask_smorest import Blueprint

from app.apidoc import documents_errors
from app.auth import auth_required, current_principal
from app.extensions import db
from app.identity.models import Role
from scheduling import booking, groups, lifecycle, series
from scheduling.access import visible_appointment
from scheduling.appointment_models import AppointmentStatus
from scheduling.appointment_schemas import (
    AppointmentQuerySchema,
    AppointmentSchema,
    BookingSchema,
    CancelSchema,
    DeclineSchema,
    EnrollmentSchema,
    GroupCreateSchema,
    GroupSessionSchema,
    RescheduleSchema,
    SeriesRequestSchema,
    SeriesResultSchema,
)

blp = Blueprint(
    "appointments",
    __name__,
    url_prefix="/appointments",
    description="Booking and the life of an appointment",
)
series_blp = Blueprint(
    "series", __name__, url_prefix="/appointment-series", description="Recurring appointments"
)
groups_blp = Blueprint(
    "groups",
    __name__,
    url_prefix="/group-sessions",
    description="Group sessions with capacity and waitlist",
)
STAFF = (Role.THERAPIST, Role.ADMIN)


@blp.route("")
class Appointments(MethodView):
    @auth_required(blp, Role.CLIENT)
    @blp.arguments(BookingSchema)
    @blp.response(201, AppointmentSchema)
    @documents_errors(blp, 404, 409)
    def post(self, data: dict[str, Any]) -> Any:
        """Book a listed slot, or hold it while paying (client)."""
        return booking.book(db.session, principal=current_principal(), **data)

    @auth_required(blp)
    @blp.arguments(AppointmentQuerySchema, location="query")
    @blp.response(200, AppointmentSchema(many=True))
    def get(self, query: dict[str, Any]) -> Any:
        """List your appointments (admins: their clinic's), soonest first."""
        return lifecycle.list_appointments(
            db.session,
            principal=current_principal(),
            start=query.get("start"),
            end=query.get("end"),
            status=query.get("status"),
        )


@blp.route("/<uuid:appointment_id>")
class AppointmentById(MethodView):
    @auth_required(blp)
    @blp.response(200, AppointmentSchema)
    @documents_errors(blp, 404)
    def get(self, appointment_id: uuid.UUID) -> Any:
        """Show one of your appointments with its history."""
        return visible_appointment(db.session, current_principal(), appointment_id)


@blp.route("/<uuid:appointment_id>/confirm")
class Confirm(MethodView):
    @auth_required(blp)
    @blp.response(200, AppointmentSchema)
    @documents_errors(blp, 404, 409)
    def post(self, appointment_id: uuid.UUID) -> Any:
        """Confirm your hold (client) or approve a request (therapist, admin)."""
        return booking.confirm(
            db.session, principal=current_principal(), appointment_id=appointment_id
        )


@blp.route("/<uuid:appointment_id>/decline")
class Decline(MethodView):
    @auth_required(blp, *STAFF)
    @blp.arguments(DeclineSchema)
    @blp.response(200, AppointmentSchema)
    @documents_errors(blp, 404, 409)
    def post(self, data: dict[str, Any], appointment_id: uuid.UUID) -> Any:
        """Decline a request awaiting approval."""
        return booking.decline(
            db.session, principal=current_principal(), appointment_id=appointment_id, **data
        )


@blp.route("/<uuid:appointment_id>/reschedule")
class Reschedule(MethodView):
    @auth_required(blp)
    @blp.arguments(RescheduleSchema)
    @blp.response(200, AppointmentSchema)
    @documents_errors(blp, 404, 409)
    def post(self, data: dict[str, Any], appointment_id: uuid.UUID) -> Any:
        """Move the appointment to another listed slot (same id; the old time frees)."""
        return booking.reschedule(
            db.session, principal=current_principal(), appointment_id=appointment_id, **data
        )


@blp.route("/<uuid:appointment_id>/cancel")
class Cancel(MethodView):
    @auth_required(blp)
    @blp.arguments(CancelSchema)
    @blp.response(200, AppointmentSchema(many=True))
    @documents_errors(blp, 404, 409)
    def post(self, data: dict[str, Any], appointment_id: uuid.UUID) -> Any:
        """Cancel this appointment, or it and the rest of its series; returns what was cancelled."""
        return lifecycle.cancel(
            db.session, principal=current_principal(), appointment_id=appointment_id, **data
        )


def _outcome_view(outcome: AppointmentStatus, summary: str) -> type[MethodView]:
    class Outcome(MethodView):
        @auth_required(blp, *STAFF)
        @blp.response(200, AppointmentSchema)
        @documents_errors(blp, 404, 409)
        def post(self, appointment_id: uuid.UUID) -> Any:
            return lifecycle.record_outcome(
                db.session,
                principal=current_principal(),
                appointment_id=appointment_id,
                outcome=outcome,
            )

    Outcome.post.__doc__ = summary
    Outcome.__name__ = f"Mark{outcome.value.title()}"
    return Outcome


for _path, _status, _summary in (
    ("arrived", AppointmentStatus.ARRIVED, "Mark that the client has arrived (once started)."),
    ("complete", AppointmentStatus.FULFILLED, "Mark the session as held (once started)."),
    ("no-show", AppointmentStatus.NOSHOW, "Mark that the client did not come (once started)."),
):
    blp.route(f"/<uuid:appointment_id>/{_path}")(_outcome_view(_status, _summary))


@series_blp.route("")
class Series(MethodView):
    @auth_required(series_blp, Role.CLIENT)
    @series_blp.arguments(SeriesRequestSchema)
    @series_blp.response(201, SeriesResultSchema)
    @documents_errors(series_blp, 404, 409)
    def post(self, data: dict[str, Any]) -> Any:
        """Book a weekly or fortnightly series: all or nothing, or skipping conflicts."""
        return series.book_series(db.session, principal=current_principal(), **data)


@groups_blp.route("")
class GroupSessions(MethodView):
    @auth_required(groups_blp, *STAFF)
    @groups_blp.arguments(GroupCreateSchema)
    @groups_blp.response(201, AppointmentSchema)
    @documents_errors(groups_blp, 404, 409)
    def post(self, data: dict[str, Any]) -> Any:
        """Host a group session in one of the therapist's slots."""
        return groups.create_group_session(db.session, principal=current_principal(), **data)


@groups_blp.route("/<uuid:group_id>")
class GroupSessionById(MethodView):
    @auth_required(groups_blp)
    @groups_blp.response(200, GroupSessionSchema)
    @documents_errors(groups_blp, 404)
    def get(self, group_id: uuid.UUID) -> Any:
        """Show a group session: seats taken, waitlist, and the roster for its host."""
        return groups.group_details(db.session, principal=current_principal(), group_id=group_id)


@groups_blp.route("/<uuid:group_id>/enroll")
class Enroll(MethodView):
    @auth_required(groups_blp, Role.CLIENT)
    @groups_blp.response(201, EnrollmentSchema)
    @documents_errors(groups_blp, 404, 409)
    def post(self, group_id: uuid.UUID) -> Any:
        """Take a seat, or a waitlist place when the group is full."""
        return groups.enroll(db.session, principal=current_principal(), group_id=group_id)


@groups_blp.route("/<uuid:group_id>/leave")
class Leave(MethodView):
    @auth_required(groups_blp, Role.CLIENT)
    @groups_blp.response(200, EnrollmentSchema)
    @documents_errors(groups_blp, 404, 409)
    def post(self, group_id: uuid.UUID) -> Any:
        """Leave; the first client on the waitlist takes the freed seat."""
        return groups.leave(db.session, principal=current_principal(), group_id=group_id)
