"""Endpoints for appointments, recurring series and group sessions."""

from __future__ import annotations

import uuid
from typing import Any

from flask.views import MethodView

from app.identity.models import Role
from app.web.api import ResourceBlueprint
from app.web.apidoc import documents_errors
from app.web.auth import auth_required, current_principal
from app.web.extensions import db
from app.web.idempotency import idempotent
from app.web.locations import located
from scheduling.appointments.schemas import (
    AppointmentSchema,
)
from scheduling.groups import service as groups
from scheduling.groups.schemas import EnrollmentSchema, GroupCreateSchema, GroupSessionSchema

blp = ResourceBlueprint(
    "group_sessions", __name__, resource="group-sessions", url_prefix="/group-sessions"
)


STAFF = (Role.THERAPIST, Role.ADMIN)


@blp.route("")
class GroupSessions(MethodView):
    @auth_required(blp, *STAFF)
    @blp.arguments(GroupCreateSchema)
    @located("/group-sessions/{id}")
    @blp.response(201, AppointmentSchema)
    @documents_errors(blp, 404, 409)
    def post(self, data: dict[str, Any]) -> Any:
        """Host a group session in one of the therapist's slots."""
        return groups.create_group_session(
            session=db.session, principal=current_principal(), **data
        )


@blp.route("/<uuid:group_id>")
class GroupSessionById(MethodView):
    @auth_required(blp)
    @blp.etag
    @blp.response(200, GroupSessionSchema)
    @documents_errors(blp, 404)
    def get(self, group_id: uuid.UUID) -> Any:
        """Show a group session: seats taken, waitlist, and the roster for its host."""
        return groups.group_details(
            session=db.session, principal=current_principal(), group_id=group_id
        )


@blp.route("/<uuid:group_id>/enroll")
class Enroll(MethodView):
    @auth_required(blp, Role.CLIENT)
    @idempotent(blp)
    @located("/group-sessions/{group_id}")
    @blp.response(201, EnrollmentSchema)
    @documents_errors(blp, 404, 409)
    def post(self, group_id: uuid.UUID) -> Any:
        """Take a seat, or a waitlist place when the group is full."""
        return groups.enroll(session=db.session, principal=current_principal(), group_id=group_id)


@blp.route("/<uuid:group_id>/leave")
class Leave(MethodView):
    @auth_required(blp, Role.CLIENT)
    @blp.response(200, EnrollmentSchema)
    @documents_errors(blp, 404, 409)
    def post(self, group_id: uuid.UUID) -> Any:
        """Leave; the first client on the waitlist takes the freed seat."""
        return groups.leave(session=db.session, principal=current_principal(), group_id=group_id)
