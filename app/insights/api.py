"""The report endpoint: JSON, or CSV streamed with `Accept: text/csv` or `?format=csv`."""

from __future__ import annotations

import csv
import io
import uuid
from collections.abc import Iterator
from typing import Any

from flask import Response, request, stream_with_context
from flask.views import MethodView

from app.identity.models import Role
from app.insights.schemas import ReportArgsSchema, ReportSchema
from app.insights.service import read_report
from app.reporting.tables import ReportTable
from app.web.api import ResourceBlueprint
from app.web.apidoc import documents_errors
from app.web.auth import auth_required, current_principal
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


FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _cell(value: object) -> object:
    """A CSV cell; text a spreadsheet would run as a formula is quoted with a leading '."""
    if value is None:
        return ""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return f"'{value}"
    return value


def _csv_lines(table: ReportTable) -> Iterator[str]:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    names = [column.name for column in table.columns]
    lines: list[list[object]] = [list(names)]
    lines += [[row.get(name) for name in names] for row in table.rows]
    for values in lines:
        writer.writerow([_cell(value) for value in values])
        yield buffer.getvalue()
        buffer.seek(0)
        buffer.truncate()


def _wants_csv(args: dict[str, Any]) -> bool:
    accepted = request.accept_mimetypes
    return args["format"] == "csv" or (
        accepted.best_match(["application/json", "text/csv"]) == "text/csv"
    )


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
        if _wants_csv(args):
            filename = f"{table.name}-{args['start']}-{args['end']}.csv"
            return Response(
                stream_with_context(_csv_lines(table)),
                mimetype="text/csv",
                headers={"Content-Disposition": f'attachment; filename="{filename}"'},
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
