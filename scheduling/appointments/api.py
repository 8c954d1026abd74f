"""Endpoints for appointments, recurring series and a therapist's schedule."""

from __future__ import annotations

import uuid
from typing import Any

from flask.views import MethodView

from app.identity.models import Role
from app.web.api import ResourceBlueprint
from app.web.apidoc import documents_errors
from app.web.auth import auth_required, current_principal
from app.web.extensions import adapter, db
from app.web.idempotency import idempotent
from app.web.locations import located
from app.web.paging import page_request
from scheduling.appointments import booking, confirmation, lifecycle, queries, series
from scheduling.appointments.models import AppointmentStatus
from scheduling.appointments.payment_gate import PAYMENT_GATE
from scheduling.appointments.schemas import (
    AppointmentPageSchema,
    AppointmentQuerySchema,
    AppointmentSchema,
    BookingSchema,
    CancelSchema,
    DeclineSchema,
    RescheduleSchema,
    ScheduleQuerySchema,
    SeriesRequestSchema,
    SeriesResultSchema,
)

blp = ResourceBlueprint(
    "appointments", __name__, resource="appointments", url_prefix="/appointments"
)


series_blp = ResourceBlueprint(
    "appointment_series", __name__, resource="appointment-series", url_prefix="/appointment-series"
)
schedule_blp = ResourceBlueprint(
    "therapist_schedule", __name__, resource="therapists", url_prefix="/therapists"
)


STAFF = (Role.THERAPIST, Role.ADMIN)


@blp.route("")
class Appointments(MethodView):
    @auth_required(blp, Role.CLIENT)
    @idempotent(blp)
    @blp.arguments(BookingSchema)
    @located("/appointments/{id}")
    @blp.response(201, AppointmentSchema)
    @documents_errors(blp, 404, 409)
    def post(self, data: dict[str, Any]) -> Any:
        """Book a listed slot, or hold it while paying (client)."""
        return booking.book(
            session=db.session,
            principal=current_principal(),
            gate=adapter(PAYMENT_GATE),
            **data,
        )

    @auth_required(blp)
    @blp.arguments(AppointmentQuerySchema, location="query")
    @blp.response(200, AppointmentPageSchema)
    def get(self, query: dict[str, Any]) -> Any:
        """List your appointments (admins: their clinic's), soonest first or `sort=-starts_at`."""
        return queries.list_appointments(
            session=db.session,
            principal=current_principal(),
            paging=page_request(query),
            start=query.get("start"),
            end=query.get("end"),
            status=query.get("status"),
            series_id=query.get("series_id"),
            latest_first=query["sort"] == "-starts_at",
        )


@blp.route("/<uuid:appointment_id>")
class AppointmentById(MethodView):
    @auth_required(blp)
    @blp.etag
    @blp.response(200, AppointmentSchema)
    @documents_errors(blp, 404)
    def get(self, appointment_id: uuid.UUID) -> Any:
        """Show one of your appointments with its history."""
        return queries.read_appointment(
            session=db.session, principal=current_principal(), appointment_id=appointment_id
        )


@blp.route("/<uuid:appointment_id>/confirm")
class Confirm(MethodView):
    @auth_required(blp)
    @blp.response(200, AppointmentSchema)
    @documents_errors(blp, 404, 409)
    def post(self, appointment_id: uuid.UUID) -> Any:
        """Confirm your hold (client) or approve a request (therapist, admin)."""
        return confirmation.confirm(
            session=db.session, principal=current_principal(), appointment_id=appointment_id
        )


@blp.route("/<uuid:appointment_id>/decline")
class Decline(MethodView):
    @auth_required(blp, *STAFF)
    @blp.arguments(DeclineSchema)
    @blp.response(200, AppointmentSchema)
    @documents_errors(blp, 404, 409)
    def post(self, data: dict[str, Any], appointment_id: uuid.UUID) -> Any:
        """Decline a request awaiting approval."""
        return confirmation.decline(
            session=db.session, principal=current_principal(), appointment_id=appointment_id, **data
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
            session=db.session, principal=current_principal(), appointment_id=appointment_id, **data
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
            session=db.session, principal=current_principal(), appointment_id=appointment_id, **data
        )


def _outcome_view(outcome: AppointmentStatus, summary: str) -> type[MethodView]:
    class Outcome(MethodView):
        @auth_required(blp, *STAFF)
        @blp.response(200, AppointmentSchema)
        @documents_errors(blp, 404, 409)
        def post(self, appointment_id: uuid.UUID) -> Any:
            return lifecycle.record_outcome(
                session=db.session,
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
    @idempotent(series_blp)
    @series_blp.arguments(SeriesRequestSchema)
    @located("/appointments?series_id={series_id}")
    @series_blp.response(201, SeriesResultSchema)
    @documents_errors(series_blp, 404, 409)
    def post(self, data: dict[str, Any]) -> Any:
        """Book a weekly or fortnightly series: all or nothing, or skipping conflicts."""
        return series.book_series(
            session=db.session,
            principal=current_principal(),
            gate=adapter(PAYMENT_GATE),
            **data,
        )


@schedule_blp.route("/<uuid:therapist_id>/schedule")
class Schedule(MethodView):
    @auth_required(schedule_blp, *STAFF)
    @schedule_blp.arguments(ScheduleQuerySchema, location="query")
    @schedule_blp.response(200, AppointmentPageSchema)
    @documents_errors(schedule_blp, 404)
    def get(self, query: dict[str, Any], therapist_id: uuid.UUID) -> Any:
        """The therapist's appointments in a window (the therapist or their clinic's admin)."""
        return queries.therapist_schedule(
            session=db.session,
            principal=current_principal(),
            therapist_id=therapist_id,
            paging=page_request(query),
            **query,
        )
