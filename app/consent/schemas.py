"""Schemas of the consent endpoints."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from app.consent.models import ConsentKind
from app.web.fields import Instant, one_line
from app.web.paging import PageQuerySchema


class PublishSchema(Schema):
    """A new version of one of the clinic's documents."""

    kind = fields.Enum(ConsentKind, by_value=True, required=True)
    title = one_line(200, required=True)
    body = fields.String(
        required=True,
        validate=[
            validate.Length(min=1, max=100_000),
            validate.Regexp(r"^[^\x00]*$", error="Must not contain NUL characters."),
        ],
    )


class DocumentSchema(Schema):
    """A published document version (immutable)."""

    id = fields.UUID(required=True)
    clinic_id = fields.UUID(required=True)
    kind = fields.Enum(ConsentKind, by_value=True, required=True)
    version = fields.Integer(required=True)
    title = fields.String(required=True)
    body = fields.String(required=True)
    published_at = Instant(required=True)


class AcceptSchema(Schema):
    """The documents the client accepts."""

    document_ids = fields.List(
        fields.UUID(), required=True, validate=validate.Length(min=1, max=20)
    )


class AcceptanceSchema(Schema):
    """One acceptance: which version, when, from where."""

    document_id = fields.UUID(required=True)
    accepted_at = Instant(required=True)
    ip_address = fields.String(required=True, allow_none=True)
    user_agent = fields.String(required=True, allow_none=True)


class StatusSchema(Schema):
    """A clinic's current document and whether the client accepted it."""

    document = fields.Nested(DocumentSchema, required=True)
    accepted_at = Instant(required=True, allow_none=True)


class ClinicQuerySchema(PageQuerySchema):
    """Which clinic's documents."""

    clinic_id = fields.UUID(required=True)
