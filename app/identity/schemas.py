"""Request and response schemas of the auth endpoints."""

from __future__ import annotations

from typing import Any

from marshmallow import Schema, fields, validate

from app.web.fields import (
    Instant,
    MessageLocale,
    TimeZone,
    calendar_date,
    code,
    email_address,
    jurisdiction_code,
    one_line,
)

PASSWORD: dict[str, Any] = {"validate": validate.Length(min=1, max=1024), "load_only": True}


class UserSchema(Schema):
    """An account as its owner sees it."""

    id = fields.UUID(dump_only=True)
    email = fields.String(dump_only=True)
    role = fields.String(dump_only=True, attribute="role.value")
    clinic_id = fields.UUID(dump_only=True, allow_none=True)
    email_verified = fields.Boolean(
        dump_only=True, metadata={"description": "Clients book only once this is true"}
    )
    locale = fields.String(dump_only=True, metadata={"description": "Language of your messages"})
    mfa_enabled = fields.Boolean(
        dump_only=True,
        metadata={"description": "Two-factor authentication is on (required for staff)"},
    )


class TokenPairSchema(Schema):
    """Tokens issued by login, refresh and setup."""

    access_token = fields.String(required=True)
    refresh_token = fields.String(required=True)
    token_type = fields.Constant("Bearer", metadata={"type": "string", "enum": ["Bearer"]})
    expires_at = Instant(required=True, metadata={"description": "Access token expiry"})
    user = fields.Nested(UserSchema, required=True)


class LoginResultSchema(Schema):
    """Tokens, or a second-factor challenge when `mfa_required` is true."""

    mfa_required = fields.Boolean(
        required=True,
        metadata={"description": "True: answer mfa_token at /auth/mfa/verify; tokens are null"},
    )
    access_token = fields.String(required=True, allow_none=True)
    refresh_token = fields.String(required=True, allow_none=True)
    token_type = fields.Function(
        lambda result: "Bearer" if result.tokens else None,
        required=True,
        allow_none=True,
        metadata={"type": "string", "enum": ["Bearer", None]},
    )
    expires_at = Instant(
        required=True, allow_none=True, metadata={"description": "Access token expiry"}
    )
    user = fields.Nested(UserSchema, required=True, allow_none=True)
    mfa_token = fields.String(
        required=True, allow_none=True, metadata={"description": "Single use, 5 minutes"}
    )
    mfa_expires_at = Instant(required=True, allow_none=True)


class LoginSchema(Schema):
    """Email and password."""

    email = fields.String(required=True, validate=validate.Length(min=3, max=320))
    password = fields.String(required=True, **PASSWORD)


class RegisterSchema(Schema):
    """A client's self-registration: account and profile."""

    email = email_address(required=True)
    password = fields.String(required=True, **PASSWORD)
    display_name = one_line(120, required=True, metadata={"description": "May be a pseudonym"})
    jurisdiction = jurisdiction_code(
        required=True,
        metadata={"description": "Where the client is located"},
    )
    timezone = TimeZone(required=True)
    date_of_birth = calendar_date(load_default=None)
    age_group = code("age_groups", load_default=None)
    locale = MessageLocale(load_default="en")


class RefreshSchema(Schema):
    """A refresh token to rotate."""

    refresh_token = fields.String(required=True, validate=validate.Length(min=1, max=200))


class SetupSchema(Schema):
    """The one-time setup token of a staff account and its first password."""

    setup_token = fields.String(required=True, validate=validate.Length(min=1, max=200))
    password = fields.String(required=True, **PASSWORD)


class PasswordChangeSchema(Schema):
    """The current password and the new one."""

    current_password = fields.String(required=True, **PASSWORD)
    new_password = fields.String(required=True, **PASSWORD)
