"""Endpoints for availability, time off, session types, slots, schedules and clinic policy."""

from __future__ import annotations

import uuid
from typing import Any

from flask.views import MethodView

from app.clock import utcnow
from app.web.api import ResourceBlueprint
from app.web.apidoc import documents_errors
from app.web.extensions import db
from scheduling.slots.schemas import SlotListSchema, SlotQuerySchema
from scheduling.slots.service import list_slots

blp = ResourceBlueprint(
    "therapist_slots", __name__, resource="therapists", url_prefix="/therapists"
)


@blp.route("/<uuid:therapist_id>/slots")
class Slots(MethodView):
    @blp.arguments(SlotQuerySchema, location="query")
    @blp.response(200, SlotListSchema)
    @documents_errors(blp, 404)
    def get(self, query: dict[str, Any], therapist_id: uuid.UUID) -> Any:
        """List bookable slots (at most 62 days), rendered in the zone `tz`."""
        return list_slots(
            session=db.session,
            therapist_id=therapist_id,
            session_type_id=query["session_type"],
            start=query["start"],
            end=query["end"],
            now=utcnow(),
            display_zone=query["tz"],
        )
