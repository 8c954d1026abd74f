"""Login sessions: open one, refresh, log out, authenticate a request, revoke."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Any, cast

from sqlalchemy import CursorResult, select, update
from sqlalchemy.orm import Session

from app.clock import utcnow
from app.db.unit_of_work import unit_of_work
from app.identity.exceptions import InvalidToken
from app.identity.models import AuthSession, RefreshToken, Role, User
from app.identity.security import LoginLimits, Security
from app.identity.tokens import digest, new_opaque_token


@dataclass(frozen=True)
class TokenPair:
    """What a successful login or refresh returns."""

    access_token: str
    refresh_token: str
    expires_at: datetime
    user: User


@dataclass(frozen=True)
class Principal:
    """The authenticated caller of a request."""

    user: User
    session_id: uuid.UUID
    mfa_verified: bool = False

    @property
    def role(self) -> Role:
        """The caller's role."""
        return self.user.role


def start_session(
    *, session: Session, security: Security, user: User, mfa_verified: bool = False
) -> TokenPair:
    """Open a login session for the user and issue its first token pair (no commit)."""
    now = utcnow()
    user.last_login_at = now
    auth_session = AuthSession(
        user=user,
        created_at=now,
        last_refreshed_at=now,
        mfa_verified_at=now if mfa_verified else None,
    )
    session.add(auth_session)
    session.flush()
    return _issue_pair(session, security, auth_session, now)


def _issue_pair(
    session: Session, security: Security, auth_session: AuthSession, now: datetime
) -> TokenPair:
    refresh_token = new_opaque_token()
    session.add(
        RefreshToken(
            session_id=auth_session.id,
            token_hash=digest(refresh_token),
            issued_at=now,
            expires_at=now + security.refresh_ttl,
        )
    )
    user = auth_session.user
    access = security.access_tokens.issue(
        user_id=user.id, session_id=auth_session.id, role=user.role.value, now=now
    )
    return TokenPair(access, refresh_token, now + security.access_tokens.ttl, user)


def refresh(*, session: Session, security: Security, refresh_token: str) -> TokenPair:
    """Rotate a refresh token; reusing a spent one revokes its whole family."""
    outcome = _rotate(session=session, security=security, refresh_token=refresh_token)
    if isinstance(outcome, InvalidToken):
        raise outcome  # raised after the commit, so a revocation it caused is kept
    return outcome


@unit_of_work
def _rotate(
    *, session: Session, security: Security, refresh_token: str
) -> TokenPair | InvalidToken:
    now = utcnow()
    record = session.scalar(
        select(RefreshToken).where(RefreshToken.token_hash == digest(refresh_token))
    )
    if record is None:
        raise InvalidToken("The refresh token is invalid.")
    auth_session = record.session
    if record.used_at is not None:
        if auth_session.revoked_at is None:
            auth_session.revoked_at, auth_session.revoke_reason = now, "refresh_token_reused"
        return InvalidToken("The refresh token was already used; please log in again.")
    # Mark the token spent atomically, so two concurrent refreshes cannot both succeed.
    # An UPDATE without RETURNING always executes to a CursorResult, which has the rowcount.
    spent = cast(
        "CursorResult[Any]",
        session.execute(
            update(RefreshToken)
            .where(RefreshToken.id == record.id, RefreshToken.used_at.is_(None))
            .values(used_at=now)
        ),
    )
    if spent.rowcount != 1:
        raise InvalidToken("The refresh token was already used; please log in again.")
    if (
        auth_session.revoked_at is not None
        or record.expires_at <= now
        or auth_session.user.deleted_at is not None
    ):
        return InvalidToken("The session has ended; please log in again.")
    ended = _past_limits(auth_session, security.limits_for(auth_session.user.role), now)
    if ended:
        auth_session.revoked_at, auth_session.revoke_reason = now, ended
        return InvalidToken("You were logged off automatically; please log in again.")
    auth_session.last_refreshed_at = now
    return _issue_pair(session, security, auth_session, now)


def _past_limits(auth_session: AuthSession, limits: LoginLimits, now: datetime) -> str | None:
    """Why the login must end now ("expired", "idle"), or None while it may go on."""
    if now - auth_session.created_at >= limits.absolute:
        return "expired"
    if now - auth_session.last_refreshed_at >= limits.idle:
        return "idle"
    return None


@unit_of_work
def logout(*, session: Session, principal: Principal) -> None:
    """Revoke the caller's session: its refresh tokens and access tokens stop working."""
    auth_session = session.get(AuthSession, principal.session_id)
    if auth_session is not None and auth_session.revoked_at is None:
        auth_session.revoked_at, auth_session.revoke_reason = utcnow(), "logout"


def authenticate(*, session: Session, security: Security, access_token: str) -> Principal:
    """Return the principal of a valid access token whose session and user are still live."""
    claims = security.access_tokens.verify(access_token)
    row = session.execute(
        select(User, AuthSession.revoked_at, AuthSession.created_at, AuthSession.mfa_verified_at)
        .join(AuthSession, AuthSession.user_id == User.id)
        .where(User.id == claims.user_id, AuthSession.id == claims.session_id)
    ).one_or_none()
    if row is None:
        raise InvalidToken("The access token is invalid.")
    user, revoked_at, started, mfa_verified_at = row
    if revoked_at is not None or not user.is_active:
        raise InvalidToken("The session has ended; please log in again.")
    if utcnow() - started >= security.limits_for(user.role).absolute:
        raise InvalidToken("You were logged off automatically; please log in again.")
    return Principal(
        user=user, session_id=claims.session_id, mfa_verified=mfa_verified_at is not None
    )


def revoke_all_sessions(
    *, session: Session, user: User, reason: str, keep: uuid.UUID | None = None
) -> None:
    """Revoke every live session of the user except `keep` (no commit)."""
    query = update(AuthSession).where(
        AuthSession.user_id == user.id, AuthSession.revoked_at.is_(None)
    )
    if keep is not None:
        query = query.where(AuthSession.id != keep)
    session.execute(query.values(revoked_at=utcnow(), revoke_reason=reason))
