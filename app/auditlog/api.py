"""Audit-log endpoints: a clinic's log for its admins, a client's own access log."""

from __future__ import annotations

import uuid
from typing import Any

from flask.views import MethodView

from app.auditlog import queries
from app.auditlog.schemas import AuditPageSchema, AuditQuerySchema, PageQuerySchema
from app.identity.models import Role
from app.web.api import ResourceBlueprint
from app.web.apidoc import documents_errors
from app.web.auth import auth_required, current_principal
from app.web.csv_responses import CSV_CONTENT, csv_response, wants_csv
from app.web.extensions import db

clinic_blp = ResourceBlueprint("clinic_audit", __name__, resource="clinics", url_prefix="/clinics")
me_blp = ResourceBlueprint("access_log", __name__, resource="me", url_prefix="/me")
blueprints = (clinic_blp, me_blp)
PAGE_OR_CSV = {
    "200": {
        "description": "A page of rows; every matching row as CSV with `format=csv`",
        "content": {
            "application/json": {"schema": {"$ref": "#/components/schemas/AuditPage"}},
            **CSV_CONTENT,
        },
    }
}
CSV_HEADER = (
    "at",
    "actor_id",
    "actor_role",
    "actor_name",
    "action",
    "resource_type",
    "resource_id",
    "subject_client_id",
    "clinic_id",
    "request_id",
)


def _filters(args: dict[str, Any]) -> queries.AuditFilters:
    return queries.AuditFilters(
        actor_id=args["actor_id"],
        client_id=args["client_id"],
        action=args["action"],
        resource_type=args["resource_type"],
        since=args["since"],
        until=args["until"],
    )


@clinic_blp.route("/<uuid:clinic_id>/audit")
class ClinicAudit(MethodView):
    @auth_required(clinic_blp, Role.ADMIN)
    @clinic_blp.arguments(AuditQuerySchema, location="query")
    @clinic_blp.response(200, AuditPageSchema)
    @clinic_blp.doc(responses=PAGE_OR_CSV)
    @documents_errors(clinic_blp, 404)
    def get(self, args: dict[str, Any], clinic_id: uuid.UUID) -> Any:
        """The clinic's audit log, newest first (`format=csv`: every matching row, streamed)."""
        principal = current_principal()
        if wants_csv(args):
            queries.open_clinic_audit_export(
                session=db.session, principal=principal, clinic_id=clinic_id
            )
            rows = queries.clinic_audit_rows(
                session=db.session, clinic_id=clinic_id, filters=_filters(args)
            )
            return csv_response(
                f"audit-{clinic_id}.csv",
                CSV_HEADER,
                ([getattr(row, name) for name in CSV_HEADER] for row in rows),
            )
        return queries.clinic_audit_page(
            session=db.session,
            principal=principal,
            clinic_id=clinic_id,
            filters=_filters(args),
            page=args["page"],
            page_size=args["page_size"],
        )


@me_blp.route("/access-log")
class AccessLog(MethodView):
    @auth_required(me_blp, Role.CLIENT)
    @me_blp.arguments(PageQuerySchema, location="query")
    @me_blp.response(200, AuditPageSchema)
    def get(self, args: dict[str, Any]) -> Any:
        """Who looked at or changed your record, and when (an accounting of disclosures)."""
        return queries.access_log_page(session=db.session, principal=current_principal(), **args)
