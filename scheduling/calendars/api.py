"""Endpoints for video links, invites, the therapist's calendar feed and external calendars."""

from __future__ import annotations

import uuid
from typing import Any

from flask import Response, request
from flask.views import MethodView
from werkzeug.exceptions import UnsupportedMediaType

from app.identity.models import Role
from app.web.api import ResourceBlueprint
from app.web.apidoc import documents_errors
from app.web.auth import auth_required, current_principal
from app.web.extensions import adapter, db
from app.web.links import public_url
from app.web.locations import located
from app.web.paging import paged
from scheduling.calendars import external, feeds, invites
from scheduling.calendars.notifications import MESSAGES
from scheduling.calendars.schemas import (
    ExternalCalendarInSchema,
    ExternalCalendarSchema,
    FeedUrlSchema,
)

appointments_blp = ResourceBlueprint(
    "appointment_invites", __name__, resource="appointments", url_prefix="/appointments"
)


therapist_blp = ResourceBlueprint(
    "therapist_calendars", __name__, resource="therapists", url_prefix="/therapists"
)


feed_blp = ResourceBlueprint(
    "calendar_feeds", __name__, resource="calendar-feeds", url_prefix="/calendar"
)


STAFF = (Role.THERAPIST, Role.ADMIN)


CALENDAR_RESPONSE = {
    "content": {"text/calendar": {"schema": {"type": "string"}}},
    "description": "An iCalendar document",
}


CALENDAR_MIMETYPE = "text/calendar"


def _ics(body: bytes, method: str | None = None) -> Response:
    mimetype = f"{CALENDAR_MIMETYPE}; method={method}" if method else CALENDAR_MIMETYPE
    return Response(body, mimetype=mimetype, headers={"Cache-Control": "private, no-store"})


@appointments_blp.route("/<uuid:appointment_id>/invite.ics")
class InviteFile(MethodView):
    @auth_required(appointments_blp, Role.CLIENT, Role.THERAPIST)
    @appointments_blp.doc(responses={200: CALENDAR_RESPONSE})
    @documents_errors(appointments_blp, 404, 409)
    def get(self, appointment_id: uuid.UUID) -> Response:
        """Your own calendar invite for the appointment (REQUEST, or CANCEL once cancelled)."""
        return _ics(
            invites.own_invite(
                session=db.session,
                principal=current_principal(),
                appointment_id=appointment_id,
                settings=adapter(MESSAGES),
            )
        )


@therapist_blp.route("/<uuid:therapist_id>/calendar-feed")
class FeedToken(MethodView):
    @auth_required(therapist_blp, *STAFF)
    @located("/therapists/{therapist_id}/calendar-feed")
    @therapist_blp.response(201, FeedUrlSchema)
    @documents_errors(therapist_blp, 404)
    def post(self, therapist_id: uuid.UUID) -> dict[str, str]:
        """Create or rotate the therapist's private feed URL; the previous URL stops working."""
        token = feeds.rotate_feed_token(
            session=db.session, principal=current_principal(), therapist_id=therapist_id
        )
        return {"url": f"{public_url()}/api/v1/calendar/{token}.ics"}


@feed_blp.route("/<string:token>.ics")
class Feed(MethodView):
    @feed_blp.doc(responses={200: CALENDAR_RESPONSE})
    @documents_errors(feed_blp, 404)
    def get(self, token: str) -> Response:
        """A therapist's appointments as a subscription feed (the token is the credential)."""
        return _ics(
            feeds.feed_for_token(session=db.session, token=token, settings=adapter(MESSAGES))
        )


@therapist_blp.route("/<uuid:therapist_id>/external-calendars")
class ExternalCalendars(MethodView):
    @auth_required(therapist_blp, *STAFF)
    @paged(therapist_blp, ExternalCalendarSchema, "ExternalCalendarPage")
    @documents_errors(therapist_blp, 404)
    def get(self, therapist_id: uuid.UUID) -> Any:
        """List external calendars with their last refresh and error."""
        return external.list_calendars(
            session=db.session, principal=current_principal(), therapist_id=therapist_id
        )

    @auth_required(therapist_blp, *STAFF)
    @therapist_blp.arguments(ExternalCalendarInSchema)
    @located("/therapists/{therapist_id}/external-calendars/{id}")
    @therapist_blp.response(201, ExternalCalendarSchema)
    @documents_errors(therapist_blp, 404)
    def post(self, data: dict[str, Any], therapist_id: uuid.UUID) -> Any:
        """Subscribe to an ICS URL whose events block slots (fetched by the worker)."""
        return external.add_calendar_url(
            session=db.session,
            principal=current_principal(),
            therapist_id=therapist_id,
            url=data["url"],
        )


@therapist_blp.route("/<uuid:therapist_id>/external-calendars/upload")
class ExternalCalendarUpload(MethodView):
    @auth_required(therapist_blp, *STAFF)
    @therapist_blp.doc(
        requestBody={"required": True, "content": {"text/calendar": {"schema": {"type": "string"}}}}
    )
    @located("/therapists/{therapist_id}/external-calendars/{id}")
    @therapist_blp.response(201, ExternalCalendarSchema)
    @documents_errors(therapist_blp, 404, 415)
    def post(self, therapist_id: uuid.UUID) -> Any:
        """Upload an .ics file (body text/calendar) whose events block slots."""
        if request.mimetype != CALENDAR_MIMETYPE:
            raise UnsupportedMediaType("Send the .ics file with Content-Type: text/calendar.")
        return external.upload_calendar(
            session=db.session,
            principal=current_principal(),
            therapist_id=therapist_id,
            data=request.get_data(),
        )


@therapist_blp.route("/<uuid:therapist_id>/external-calendars/<uuid:calendar_id>")
class ExternalCalendarEntry(MethodView):
    @auth_required(therapist_blp, *STAFF)
    @therapist_blp.response(204)
    @documents_errors(therapist_blp, 404)
    def delete(self, therapist_id: uuid.UUID, calendar_id: uuid.UUID) -> None:
        """Stop using an external calendar."""
        external.remove_calendar(
            session=db.session,
            principal=current_principal(),
            therapist_id=therapist_id,
            calendar_id=calendar_id,
        )
