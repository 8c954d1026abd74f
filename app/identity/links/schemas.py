"""Request schemas of the emailed-link endpoints."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from app.identity.schemas import PASSWORD
from app.web.fields import email_address

ONE_TIME_TOKEN = fields.String(
    required=True,
    validate=validate.Length(min=1, max=200),
    metadata={"description": "The token from the emailed link (after #token=)"},
)


class EmailTokenSchema(Schema):
    """The token of an emailed verification link."""

    token = ONE_TIME_TOKEN


class EmailChangeSchema(Schema):
    """A new sign-in address, confirmed with the current password."""

    new_email = email_address(required=True)
    current_password = fields.String(required=True, **PASSWORD)


class ResetRequestSchema(Schema):
    """The address of the account whose password was forgotten."""

    email = email_address(required=True)


class ResetSchema(Schema):
    """The token of an emailed reset link and the new password."""

    token = ONE_TIME_TOKEN
    password = fields.String(required=True, **PASSWORD)
