"""The report endpoint: JSON, or CSV streamed with `Accept: text/csv` or `?format=csv`."""

from __future__ import annotations

import uuid
from typing import Any

from flask.views import MethodView

from app.identity.models import Role
from app.insights.schemas import ReportArgsSchema, ReportSchema
from app.insights.service import read_report
from app.web.api import ResourceBlueprint
from app.web.apidoc import documents_errors
from app.web.auth import auth_required, current_principal
from app.web.csv_responses import csv_response, wants_csv
from app.web.extensions import db

blp = ResourceBlueprint("clinic_reports", __name__, resource="clinics", url_prefix="/clinics")
blueprints = (blp,)
CSV_CONTENT = {
    "200": {
        "description": "The report; as CSV with `Accept: text/csv` or `?format=csv`",
        "content": {
            "application/json": {"schema": {"$ref": "#/components/schemas/Report"}},
            "text/csv": {"schema": {"type": "string"}},
        },
    }
}


@blp.route("/<uuid:clinic_id>/reports/<string:name>")
class ClinicReport(MethodView):
    @auth_required(blp, Role.ADMIN, Role.THERAPIST)
    @blp.arguments(ReportArgsSchema, location="query")
    @blp.response(200, ReportSchema)
    @blp.doc(responses=CSV_CONTENT)
    @documents_errors(blp, 404, 422)
    def get(self, args: dict[str, Any], clinic_id: uuid.UUID, name: str) -> Any:
        """A clinic report (utilization, attendance, revenue, access, openings, funnel, groups)."""
        table = read_report(
            session=db.session,
            principal=current_principal(),
            clinic_id=clinic_id,
            name=name,
            start=args["start"],
            end=args["end"],
            granularity=args["granularity"],
            therapist_id=args["therapist_id"],
        )
        if wants_csv(args):
            names = [column.name for column in table.columns]
            return csv_response(
                f"{table.name}-{args['start']}-{args['end']}.csv",
                names,
                ([row.get(name) for name in names] for row in table.rows),
            )
        return {
            "name": table.name,
            "clinic_id": clinic_id,
            "start": args["start"],
            "end": args["end"],
            "granularity": args["granularity"],
            "currency": table.currency,
            "columns": table.columns,
            "rows": table.rows,
            "notes": table.notes,
        }
