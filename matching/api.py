"""Endpoints for intakes, matches, declined matches and recorded outcomes."""

from __future__ import annotations

import uuid
from typing import Any

from flask import current_app
from flask.views import MethodView

from app.encryption import FIELD_CIPHER
from app.identity.models import Role
from app.web.api import ResourceBlueprint
from app.web.apidoc import documents_errors
from app.web.auth import auth_required, current_principal
from app.web.extensions import adapter, db
from app.web.idempotency import idempotent
from app.web.locations import located
from matching.crisis_alerts.api import blueprints as crisis_alert_blueprints
from matching.intake import service as intakes
from matching.intake.crisis import CRISIS_DIRECTORY
from matching.intake.schemas import IntakeSchema, IntakeViewSchema
from matching.matches import feedback, service
from matching.matches.schemas import (
    DeclineMatchSchema,
    MatchListSchema,
    MatchQuerySchema,
    OutcomeSchema,
)

blp = ResourceBlueprint("intakes", __name__, resource="intakes", url_prefix="/intakes")


def _adapters() -> dict[str, Any]:
    return {"cipher": adapter(FIELD_CIPHER), "crisis": adapter(CRISIS_DIRECTORY)}


@blp.route("")
class Intakes(MethodView):
    @auth_required(blp, Role.CLIENT)
    @idempotent(blp)
    @blp.arguments(IntakeSchema)
    @located("/intakes/{id}")
    @blp.response(201, IntakeViewSchema)
    def post(self, answers: dict[str, Any]) -> Any:
        """Submit an intake; a high-risk answer returns crisis resources at once."""
        return intakes.submit_intake(
            session=db.session, principal=current_principal(), answers=answers, **_adapters()
        )


@blp.route("/<uuid:intake_id>")
class IntakeById(MethodView):
    @auth_required(blp, Role.CLIENT)
    @blp.etag
    @blp.response(200, IntakeViewSchema)
    @documents_errors(blp, 404)
    def get(self, intake_id: uuid.UUID) -> Any:
        """Show one of your intakes with its scores."""
        return intakes.read_intake(
            session=db.session, principal=current_principal(), intake_id=intake_id, **_adapters()
        )


@blp.route("/<uuid:intake_id>/matches")
class Matches(MethodView):
    @auth_required(blp, Role.CLIENT)
    @blp.arguments(MatchQuerySchema, location="query")
    @blp.response(200, MatchListSchema)
    @documents_errors(blp, 404)
    def get(self, query: dict[str, Any], intake_id: uuid.UUID) -> Any:
        """Ranked, explained therapists who fit and have open times (declined ones excluded)."""
        return service.find_matches(
            session=db.session,
            principal=current_principal(),
            intake_id=intake_id,
            limit=query["limit"],
            window_days=current_app.config["MATCH_WINDOW_DAYS"],
            **_adapters(),
        )


@blp.route("/<uuid:intake_id>/declined")
class Declines(MethodView):
    @auth_required(blp, Role.CLIENT)
    @blp.arguments(DeclineMatchSchema)
    @blp.response(204)
    @documents_errors(blp, 404)
    def post(self, data: dict[str, Any], intake_id: uuid.UUID) -> None:
        """Decline a suggested therapist; ask for matches again to get others."""
        feedback.decline_match(
            session=db.session, principal=current_principal(), intake_id=intake_id, **data
        )


@blp.route("/<uuid:intake_id>/outcomes")
class Outcomes(MethodView):
    @auth_required(blp, Role.THERAPIST, Role.ADMIN)
    @blp.arguments(OutcomeSchema)
    @blp.response(204)
    @documents_errors(blp, 404)
    def post(self, data: dict[str, Any], intake_id: uuid.UUID) -> None:
        """Record how a match went (a therapist who saw the client, or their clinic admin)."""
        feedback.record_outcome(
            session=db.session, principal=current_principal(), intake_id=intake_id, **data
        )


blueprints = (blp, *crisis_alert_blueprints)
