"""Schemas of the report endpoint."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from app.web.fields import calendar_date


class ReportArgsSchema(Schema):
    """The window, its cut and an optional therapist; `format=csv` asks for CSV."""

    start = calendar_date(
        required=True, data_key="from", metadata={"description": "First local day (clinic zone)"}
    )
    end = calendar_date(
        required=True,
        data_key="to",
        metadata={"description": "Day after the last one (exclusive), in the clinic's zone"},
    )
    granularity = fields.String(
        load_default="week",
        validate=validate.OneOf(["week", "month"]),
        metadata={"description": "Weeks start on Monday; both in the clinic's zone"},
    )
    therapist_id = fields.UUID(
        load_default=None,
        metadata={"description": "One therapist's rows (a therapist always gets only their own)"},
    )
    format = fields.String(
        load_default="json",
        validate=validate.OneOf(["json", "csv"]),
        metadata={"description": "`csv` streams CSV (as does `Accept: text/csv`)"},
    )


class ReportColumnSchema(Schema):
    """A column of the report."""

    name = fields.String(required=True)
    label = fields.String(required=True)
    kind = fields.String(required=True)


class ReportSchema(Schema):
    """A report: its columns and rows of aggregates; counts of 1-4 in health breakdowns are "<5"."""

    report = fields.String(required=True, attribute="name")
    clinic_id = fields.UUID(required=True)
    start = fields.Date(required=True, data_key="from")
    end = fields.Date(required=True, data_key="to")
    granularity = fields.String(required=True)
    currency = fields.String(required=True, allow_none=True)
    columns = fields.List(fields.Nested(ReportColumnSchema), required=True)
    rows = fields.List(fields.Dict(), required=True)
    notes = fields.List(fields.String(), required=True)
