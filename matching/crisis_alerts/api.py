"""Crisis-alert endpoints: a clinic's alerts, and acknowledging one."""

from __future__ import annotations

import uuid
from typing import Any

from flask.views import MethodView

from app.identity.models import Role
from app.web.api import ResourceBlueprint
from app.web.apidoc import documents_errors
from app.web.auth import auth_required, current_principal
from app.web.extensions import db
from app.web.paging import page_request
from matching.crisis_alerts import service
from matching.crisis_alerts.schemas import (
    AcknowledgeSchema,
    AlertPageSchema,
    AlertQuerySchema,
    AlertSchema,
)

clinic_blp = ResourceBlueprint(
    "clinic_crisis_alerts", __name__, resource="crisis-alerts", url_prefix="/clinics"
)
alert_blp = ResourceBlueprint(
    "crisis_alerts", __name__, resource="crisis-alerts", url_prefix="/crisis-alerts"
)
blueprints = (clinic_blp, alert_blp)


@clinic_blp.route("/<uuid:clinic_id>/crisis-alerts")
class ClinicAlerts(MethodView):
    @auth_required(clinic_blp, Role.ADMIN, Role.THERAPIST)
    @clinic_blp.arguments(AlertQuerySchema, location="query")
    @clinic_blp.response(200, AlertPageSchema)
    @documents_errors(clinic_blp, 404)
    def get(self, query: dict[str, Any], clinic_id: uuid.UUID) -> Any:
        """The clinic's crisis alerts: open ones oldest first, or acknowledged ones."""
        return service.list_alerts(
            session=db.session,
            principal=current_principal(),
            clinic_id=clinic_id,
            paging=page_request(query),
            **query,
        )


@alert_blp.route("/<uuid:alert_id>/acknowledge")
class Acknowledge(MethodView):
    @auth_required(alert_blp, Role.ADMIN, Role.THERAPIST)
    @alert_blp.arguments(AcknowledgeSchema)
    @alert_blp.response(200, AlertSchema)
    @documents_errors(alert_blp, 404)
    def post(self, data: dict[str, Any], alert_id: uuid.UUID) -> Any:
        """Say someone is on it (who and when are kept; acknowledging again keeps the first)."""
        return service.acknowledge(
            session=db.session, principal=current_principal(), alert_id=alert_id, **data
        )
