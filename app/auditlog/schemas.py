"""Schemas of the audit-log endpoints."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from app.web.fields import Instant, one_line


def page_field() -> fields.Integer:
    """A 1-based page number."""
    return fields.Integer(load_default=1, validate=validate.Range(min=1, max=1_000_000))


def page_size_field() -> fields.Integer:
    """Rows per page, bounded."""
    return fields.Integer(load_default=50, validate=validate.Range(min=1, max=200))


class AuditQuerySchema(Schema):
    """Filters and page of a clinic's audit log; `format=csv` streams every matching row."""

    actor_id = fields.UUID(load_default=None)
    client_id = fields.UUID(load_default=None, metadata={"description": "Whose record"})
    action = one_line(40, load_default=None)
    resource_type = one_line(40, load_default=None)
    since = Instant(load_default=None, metadata={"description": "Inclusive"})
    until = Instant(load_default=None, metadata={"description": "Exclusive"})
    page = page_field()
    page_size = page_size_field()
    format = fields.String(load_default="json", validate=validate.OneOf(["json", "csv"]))


class PageQuerySchema(Schema):
    """A page of a list."""

    page = page_field()
    page_size = page_size_field()


class AuditRowSchema(Schema):
    """Who did what to whose record, and when."""

    id = fields.UUID(required=True)
    at = Instant(required=True)
    actor_id = fields.UUID(required=True, allow_none=True)
    actor_role = fields.String(required=True, allow_none=True)
    actor_name = fields.String(required=True, allow_none=True)
    action = fields.String(required=True)
    resource_type = fields.String(required=True)
    resource_id = fields.UUID(required=True)
    subject_client_id = fields.UUID(required=True, allow_none=True)
    clinic_id = fields.UUID(required=True, allow_none=True)
    request_id = fields.String(required=True, allow_none=True)
    by_you = fields.Boolean(required=True, metadata={"description": "Access log: your own look"})


class AuditPageSchema(Schema):
    """One page of audit rows and the true total."""

    items = fields.List(fields.Nested(AuditRowSchema), required=True)
    total = fields.Integer(required=True)
    page = fields.Integer(required=True)
    page_size = fields.Integer(required=True)
