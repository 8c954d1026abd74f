"""Emailed-link endpoints: email verification, address change and password reset."""

from __future__ import annotations

from typing import Any

from flask.views import MethodView

from app.identity.links import reset, verification
from app.identity.links.schemas import (
    EmailChangeSchema,
    EmailTokenSchema,
    ResetRequestSchema,
    ResetSchema,
)
from app.identity.models import User
from app.identity.schemas import UserSchema
from app.web.api import ResourceBlueprint
from app.web.apidoc import documents_errors
from app.web.auth import auth_required, current_principal, security
from app.web.extensions import db

blp = ResourceBlueprint("account_links", __name__, resource="auth", url_prefix="/auth")
# Every POST under /auth is rate-limited per client address (app.web.extensions).


@blp.route("/verify-email")
class VerifyEmail(MethodView):
    @blp.arguments(EmailTokenSchema)
    @blp.response(200, UserSchema)
    @documents_errors(blp, 401, 409, 429)
    def post(self, data: dict[str, Any]) -> User:
        """Verify an email address with the token from its emailed link (single use)."""
        return verification.verify_email(session=db.session, **data)


@blp.route("/verify-email/resend")
class ResendVerification(MethodView):
    @auth_required(blp, mfa_optional=True)
    @blp.response(202)
    @documents_errors(blp, 409, 429)
    def post(self) -> None:
        """Email a fresh verification link (earlier links stop working; limited per hour)."""
        verification.resend_verification(
            session=db.session, security=security(), principal=current_principal()
        )


@blp.route("/email")
class ChangeEmail(MethodView):
    @auth_required(blp, mfa_optional=True)
    @blp.arguments(EmailChangeSchema)
    @blp.response(202)
    @documents_errors(blp, 401, 409, 429)
    def post(self, data: dict[str, Any]) -> None:
        """Move the account to another address; it moves once the link sent there is used."""
        verification.change_email(
            session=db.session, security=security(), principal=current_principal(), **data
        )


@blp.route("/password-reset")
class RequestReset(MethodView):
    @blp.arguments(ResetRequestSchema)
    @blp.response(202)
    @documents_errors(blp, 429)
    def post(self, data: dict[str, Any]) -> None:
        """Email a reset link if an account uses this address (the answer is always 202)."""
        reset.request_password_reset(session=db.session, security=security(), **data)


@blp.route("/password-reset/complete")
class CompleteReset(MethodView):
    @blp.arguments(ResetSchema)
    @blp.response(204)
    @documents_errors(blp, 401, 429)
    def post(self, data: dict[str, Any]) -> None:
        """Set a new password with a reset link's token; every session of the account ends."""
        reset.complete_password_reset(session=db.session, security=security(), **data)
