"""Endpoints for video links, invites, the therapist's calendar feed and external calendars."""

from __future__ import annotations

import uuid
from typing import Any

from flask.views import MethodView

from app.identity.models import Role
from app.web.api import ResourceBlueprint
from app.web.apidoc import documents_errors
from app.web.auth import auth_required, current_principal
from app.web.extensions import adapter, db
from app.web.links import request_origin
from scheduling.video import joining
from scheduling.video.providers import VIDEO
from scheduling.video.schemas import JoinLinkSchema

blp = ResourceBlueprint(
    "appointment_video", __name__, resource="appointments", url_prefix="/appointments"
)


@blp.route("/<uuid:appointment_id>/join")
class Join(MethodView):
    @auth_required(blp, Role.CLIENT, Role.THERAPIST)
    @blp.response(200, JoinLinkSchema)
    @documents_errors(blp, 404, 409)
    def post(self, appointment_id: uuid.UUID) -> Any:
        """A personal video link with a 5-minute token, from 10 minutes before to 15 after."""
        return joining.join_link(
            session=db.session,
            principal=current_principal(),
            appointment_id=appointment_id,
            provider=adapter(VIDEO),
            origin=request_origin(),
        )
