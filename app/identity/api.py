"""Auth endpoints: register, login, refresh, logout, staff setup, password change."""

from __future__ import annotations

from typing import Any

from flask import request
from flask.views import MethodView

from app.directory.clients import register_client
from app.identity import accounts, service
from app.identity.schemas import (
    LoginResultSchema,
    LoginSchema,
    PasswordChangeSchema,
    RefreshSchema,
    RegisterSchema,
    SetupSchema,
    TokenPairSchema,
)
from app.web.api import ResourceBlueprint
from app.web.apidoc import documents_errors
from app.web.auth import auth_required, current_principal, security
from app.web.extensions import db
from app.web.locations import located

blp = ResourceBlueprint("auth", __name__, resource="auth", url_prefix="/auth")
# Every POST here is rate-limited per client address (see app.web.extensions.init_rate_limits).


@blp.route("/register")
class Register(MethodView):
    @blp.arguments(RegisterSchema)
    @located("/me")
    @blp.response(201, TokenPairSchema)
    @documents_errors(blp, 409, 429)
    def post(self, data: dict[str, Any]) -> service.TokenPair:
        """Register a client account and log in."""
        email, password = data.pop("email"), data.pop("password")
        return register_client(
            session=db.session, security=security(), email=email, password=password, profile=data
        )


@blp.route("/login")
class Login(MethodView):
    @blp.arguments(LoginSchema)
    @blp.response(200, LoginResultSchema)
    @documents_errors(blp, 401, 429)
    def post(self, data: dict[str, Any]) -> accounts.LoginResult:
        """Log in with email and password (then a second factor, when the account has one)."""
        return accounts.login(
            session=db.session, security=security(), address=request.remote_addr, **data
        )


@blp.route("/refresh")
class Refresh(MethodView):
    @blp.arguments(RefreshSchema)
    @blp.response(200, TokenPairSchema)
    @documents_errors(blp, 401, 429)
    def post(self, data: dict[str, Any]) -> service.TokenPair:
        """Exchange a refresh token for new tokens (the old one is spent)."""
        return service.refresh(session=db.session, security=security(), **data)


@blp.route("/setup")
class Setup(MethodView):
    @blp.arguments(SetupSchema)
    @blp.response(200, TokenPairSchema)
    @documents_errors(blp, 401, 429)
    def post(self, data: dict[str, Any]) -> service.TokenPair:
        """Set a staff account's first password with its one-time setup token."""
        return accounts.complete_setup(session=db.session, security=security(), **data)


@blp.route("/logout")
class Logout(MethodView):
    @auth_required(blp, mfa_optional=True)
    @blp.response(204)
    def post(self) -> None:
        """End the current session; its access and refresh tokens stop working."""
        service.logout(session=db.session, principal=current_principal())


@blp.route("/password")
class Password(MethodView):
    @auth_required(blp, mfa_optional=True)
    @blp.arguments(PasswordChangeSchema)
    @blp.response(204)
    def post(self, data: dict[str, Any]) -> None:
        """Change your password; every other session is ended."""
        accounts.change_password(
            session=db.session, security=security(), principal=current_principal(), **data
        )
