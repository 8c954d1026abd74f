"""Endpoints for video links, invites, the therapist's calendar feed and external calendars."""

from __future__ import annotations

import uuid
from typing import Any

from flask import Response, current_app, request
from flask.views import MethodView
from flask_smorest import Blueprint
from marshmallow import Schema, fields
from werkzeug.exceptions import UnsupportedMediaType

from app.apidoc import documents_errors
from app.auth import auth_required, current_principal
from app.extensions import db
from app.identity.models import Role
from scheduling import external, feeds, joining
from scheduling.schemas import instant

appointments_blp = Blueprint(
    "delivery", __name__, url_prefix="/appointments", description="Joining and calendar invites"
)
therapist_blp = Blueprint(
    "therapist_calendars",
    __name__,
    url_prefix="/therapists",
    description="Calendar feed and external busy time",
)
feed_blp = Blueprint(
    "calendar_feed", __name__, url_prefix="/calendar", description="Private calendar subscriptions"
)
STAFF = (Role.THERAPIST, Role.ADMIN)
CALENDAR_RESPONSE = {
    "content": {"text/calendar": {"schema": {"type": "string"}}},
    "description": "An iCalendar document",
}
CALENDAR_MIMETYPE = "text/calendar"


class JoinLinkSchema(Schema):
    """A personal, time-bound video link."""

    url = fields.String()
    opens_at = instant()
    expires_at = instant()


class FeedUrlSchema(Schema):
    """The private subscription URL (shown once; rotate to revoke)."""

    url = fields.String()


class ExternalCalendarInSchema(Schema):
    """A calendar URL to subscribe to."""

    url = fields.String(required=True, metadata={"format": "uri"})


class ExternalCalendarSchema(Schema):
    """An external calendar and how its last refresh went."""

    id = fields.UUID()
    source = fields.Function(lambda c: c.source.value)
    url = fields.String(allow_none=True)
    created_at = instant()
    last_attempt_at = instant(allow_none=True)
    last_success_at = instant(allow_none=True)
    last_error = fields.String(allow_none=True)
    busy_count = fields.Integer()


def _ics(body: bytes, method: str | None = None) -> Response:
    mimetype = f"{CALENDAR_MIMETYPE}; method={method}" if method else CALENDAR_MIMETYPE
    return Response(body, mimetype=mimetype, headers={"Cache-Control": "private, no-store"})


@appointments_blp.route("/<uuid:appointment_id>/join")
class Join(MethodView):
    @auth_required(appointments_blp, Role.CLIENT, Role.THERAPIST)
    @appointments_blp.response(200, JoinLinkSchema)
    @documents_errors(appointments_blp, 404, 409)
    def post(self, appointment_id: uuid.UUID) -> Any:
        """A personal video link, valid from 10 minutes before to 15 minutes after the session."""
        return joining.join_link(
            db.session,
            principal=current_principal(),
            appointment_id=appointment_id,
            provider=current_app.extensions["video"],
        )


@appointments_blp.route("/<uuid:appointment_id>/invite.ics")
class InviteFile(MethodView):
    @auth_required(appointments_blp, Role.CLIENT, Role.THERAPIST)
    @appointments_blp.doc(responses={200: CALENDAR_RESPONSE})
    @documents_errors(appointments_blp, 404)
    def get(self, appointment_id: uuid.UUID) -> Response:
        """Your own calendar invite for the appointment (REQUEST, or CANCEL once cancelled)."""
        return _ics(
            joining.own_invite(
                db.session,
                principal=current_principal(),
                appointment_id=appointment_id,
                settings=current_app.extensions["messages"],
            )
        )


@therapist_blp.route("/<uuid:therapist_id>/calendar-feed")
class FeedToken(MethodView):
    @auth_required(therapist_blp, *STAFF)
    @therapist_blp.response(201, FeedUrlSchema)
    @documents_errors(therapist_blp, 404)
    def post(self, therapist_id: uuid.UUID) -> dict[str, str]:
        """Create or rotate the therapist's private feed URL; the previous URL stops working."""
        token = feeds.rotate_feed_token(
            db.session, principal=current_principal(), therapist_id=therapist_id
        )
        return {"url": f"{current_app.config['PUBLIC_APP_URL']}/api/v1/calendar/{token}.ics"}


@feed_blp.route("/<string:token>.ics")
class Feed(MethodView):
    @feed_blp.doc(responses={200: CALENDAR_RESPONSE})
    @documents_errors(feed_blp, 404)
    def get(self, token: str) -> Response:
        """A therapist's appointments as a subscription feed (the token is the credential)."""
        return _ics(
            feeds.feed_for_token(
                db.session, token=token, settings=current_app.extensions["messages"]
            )
        )


@therapist_blp.route("/<uuid:therapist_id>/external-calendars")
class ExternalCalendars(MethodView):
    @auth_required(therapist_blp, *STAFF)
    @therapist_blp.response(200, ExternalCalendarSchema(many=True))
    @documents_errors(therapist_blp, 404)
    def get(self, therapist_id: uuid.UUID) -> Any:
        """List external calendars with their last refresh and error."""
        return external.list_calendars(
            db.session, principal=current_principal(), therapist_id=therapist_id
        )

    @auth_required(therapist_blp, *STAFF)
    @therapist_blp.arguments(ExternalCalendarInSchema)
    @therapist_blp.response(201, ExternalCalendarSchema)
    @documents_errors(therapist_blp, 404)
    def post(self, data: dict[str, Any], therapist_id: uuid.UUID) -> Any:
        """Subscribe to an ICS URL whose events block slots (fetched by the worker)."""
        return external.add_calendar_url(
            db.session, principal=current_principal(), therapist_id=therapist_id, url=data["url"]
        )


@therapist_blp.route("/<uuid:therapist_id>/external-calendars/upload")
class ExternalCalendarUpload(MethodView):
    @auth_required(therapist_blp, *STAFF)
    @therapist_blp.doc(
        requestBody={"required": True, "content": {"text/calendar": {"schema": {"type": "string"}}}}
    )
    @therapist_blp.response(201, ExternalCalendarSchema)
    @documents_errors(therapist_blp, 404, 415)
    def post(self, therapist_id: uuid.UUID) -> Any:
        """Upload an .ics file (body text/calendar) whose events block slots."""
        if request.mimetype != CALENDAR_MIMETYPE:
            raise UnsupportedMediaType("Send the .ics file with Content-Type: text/calendar.")
        return external.upload_calendar(
            db.session,
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
            db.session,
            principal=current_principal(),
            therapist_id=therapist_id,
            calendar_id=calendar_id,
        )
