"""Request and response schemas of the two-factor endpoints."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from app.identity.schemas import PASSWORD

CODE = fields.String(
    required=True,
    validate=validate.Length(min=6, max=20),
    metadata={"description": "A 6-digit authenticator code, or a recovery code (xxxxx-xxxxx)"},
)


class EnrolmentSchema(Schema):
    """A new authenticator secret: shown once; confirm it with a code."""

    secret = fields.String(required=True, metadata={"description": "Base32, for manual entry"})
    otpauth_uri = fields.String(
        required=True, metadata={"description": "otpauth:// URI to show as a QR code"}
    )


class CodeSchema(Schema):
    """A code from the authenticator app."""

    code = fields.String(required=True, validate=validate.Regexp(r"^\s*\d{6}\s*$"))


class RecoveryCodesSchema(Schema):
    """One-time recovery codes: shown once, stored only hashed."""

    recovery_codes = fields.List(fields.String(), required=True)


class ReauthenticationSchema(Schema):
    """The password and a current code (or a recovery code)."""

    password = fields.String(required=True, **PASSWORD)
    code = CODE


class ChallengeAnswerSchema(Schema):
    """The login's challenge token and a current code (or a recovery code)."""

    mfa_token = fields.String(required=True, validate=validate.Length(min=1, max=200))
    code = CODE
