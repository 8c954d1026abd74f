"""Two-factor endpoints: enrol an authenticator, answer a login challenge, codes, turn off."""

from __future__ import annotations

from typing import Any

from flask import request
from flask.views import MethodView

from app.encryption import FIELD_CIPHER
from app.identity.mfa import service
from app.identity.mfa.schemas import (
    ChallengeAnswerSchema,
    CodeSchema,
    EnrolmentSchema,
    ReauthenticationSchema,
    RecoveryCodesSchema,
)
from app.identity.schemas import TokenPairSchema
from app.identity.service import TokenPair
from app.web.api import ResourceBlueprint
from app.web.apidoc import documents_errors
from app.web.auth import auth_required, current_principal, security
from app.web.extensions import adapter, db
from app.web.locations import located

blp = ResourceBlueprint("mfa", __name__, resource="auth", url_prefix="/auth/mfa")
# Rate-limited per client address like every POST under /auth (app.web.extensions).


@blp.route("/verify")
class Verify(MethodView):
    @blp.arguments(ChallengeAnswerSchema)
    @blp.response(200, TokenPairSchema)
    @documents_errors(blp, 401, 429)
    def post(self, data: dict[str, Any]) -> TokenPair:
        """Finish a login with an authenticator or recovery code (5 tries per challenge)."""
        return service.complete_challenge(
            session=db.session,
            security=security(),
            cipher=adapter(FIELD_CIPHER),
            address=request.remote_addr,
            **data,
        )


@blp.route("/totp")
class Enrol(MethodView):
    @auth_required(blp, mfa_optional=True)
    @located("/me")
    @blp.response(201, EnrolmentSchema)
    @documents_errors(blp, 409)
    def post(self) -> service.Enrolment:
        """Start enrolling an authenticator app: a new secret to scan, then confirm it."""
        return service.start_enrolment(
            session=db.session,
            cipher=adapter(FIELD_CIPHER),
            issuer=security().mfa_issuer,
            principal=current_principal(),
        )


@blp.route("/totp/confirm")
class Confirm(MethodView):
    @auth_required(blp, mfa_optional=True)
    @blp.arguments(CodeSchema)
    @blp.response(200, RecoveryCodesSchema)
    @documents_errors(blp, 409, 422)
    def post(self, data: dict[str, Any]) -> dict[str, list[str]]:
        """Turn two-factor authentication on with a first code; get recovery codes once."""
        codes = service.confirm_enrolment(
            session=db.session,
            cipher=adapter(FIELD_CIPHER),
            principal=current_principal(),
            **data,
        )
        return {"recovery_codes": codes}


@blp.route("/recovery-codes")
class RecoveryCodes(MethodView):
    @auth_required(blp, mfa_optional=True)
    @blp.arguments(ReauthenticationSchema)
    @blp.response(200, RecoveryCodesSchema)
    @documents_errors(blp, 409)
    def post(self, data: dict[str, Any]) -> dict[str, list[str]]:
        """Replace your recovery codes (password and a code); the old ones stop working."""
        codes = service.regenerate_recovery_codes(
            session=db.session,
            security=security(),
            cipher=adapter(FIELD_CIPHER),
            principal=current_principal(),
            **data,
        )
        return {"recovery_codes": codes}


@blp.route("/disable")
class Disable(MethodView):
    @auth_required(blp, mfa_optional=True)
    @blp.arguments(ReauthenticationSchema)
    @blp.response(204)
    @documents_errors(blp, 409)
    def post(self, data: dict[str, Any]) -> None:
        """Turn two-factor authentication off (password and a code); other logins end."""
        service.disable(
            session=db.session,
            security=security(),
            cipher=adapter(FIELD_CIPHER),
            principal=current_principal(),
            **data,
        )
