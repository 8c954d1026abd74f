"""Identity use cases: register, log in, refresh, log out, staff setup, authenticate."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime

from email_validator import EmailNotValidError, validate_email
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from app.db import begin_write, utcnow
from app.exceptions import InvalidRequest
from app.identity.exceptions import EmailTaken, InvalidCredentials, InvalidToken
from app.identity.models import AuthSession, RefreshToken, Role, User
from app.identity.passwords import check_password_rules
from app.identity.security import Security
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

    @property
    def role(self) -> Role:
        """The caller's role."""
        return self.user.role


def normalize_email(address: str) -> str:
    """Return the canonical, lower-case form of an email address."""
    try:
        normalized = validate_email(address.strip(), check_deliverability=False).normalized
    except EmailNotValidError as exc:
        raise InvalidRequest(
            "The email address is not valid.", errors={"email": [str(exc)]}
        ) from exc
    return normalized.lower()


def find_user_by_email(session: Session, email: str) -> User | None:
    """Return the live user with that (normalized) email, if any."""
    return session.scalar(select(User).where(User.email == email, User.deleted_at.is_(None)))


def new_user(
    session: Session,
    security: Security,
    *,
    email: str,
    password: str | None,
    role: Role,
    clinic_id: uuid.UUID | None = None,
) -> User:
    """Add a user after checking email uniqueness and password rules (no commit)."""
    email = normalize_email(email)
    if session.scalar(select(User.id).where(User.email == email)) is not None:
        raise EmailTaken("An account with this email already exists.")
    user = User(email=email, role=role, clinic_id=clinic_id)
    if password is not None:
        check_password_rules(password, email=email)
        user.password_hash = security.passwords.hash(password)
    session.add(user)
    return user


def _start_session(session: Session, security: Security, user: User) -> TokenPair:
    now = utcnow()
    auth_session = AuthSession(user=user, created_at=now, last_refreshed_at=now)
    session.add(auth_session)
    session.flush()
    return _issue_pair(session, security, auth_session, now)


def _issue_pair(
    session: Session, security: Security, auth_session: AuthSession, now: datetime
) -> TokenPair:
    refresh = new_opaque_token()
    session.add(
        RefreshToken(
            session_id=auth_session.id,
            token_hash=digest(refresh),
            issued_at=now,
            expires_at=now + security.refresh_ttl,
        )
    )
    user = auth_session.user
    access = security.access_tokens.issue(
        user_id=user.id, session_id=auth_session.id, role=user.role.value, now=now
    )
    return TokenPair(access, refresh, now + security.access_tokens.ttl, user)


def login(session: Session, security: Security, *, email: str, password: str) -> TokenPair:
    """Verify credentials, upgrade an outdated hash, and start a session."""
    try:
        user = find_user_by_email(session, normalize_email(email))
    except InvalidRequest:
        user = None
    stored = user.password_hash if user else None
    if not security.passwords.verify(stored, password) or user is None or stored is None:
        raise InvalidCredentials("Email or password is incorrect.")
    if security.passwords.needs_rehash(stored):
        user.password_hash = security.passwords.hash(password)
    user.last_login_at = utcnow()
    pair = _start_session(session, security, user)
    session.commit()
    return pair


def refresh(session: Session, security: Security, *, refresh_token: str) -> TokenPair:
    """Rotate a refresh token; reusing a spent one revokes its whole family."""
    begin_write(session)
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
            session.commit()
        raise InvalidToken("The refresh token was already used; please log in again.")
    # Mark the token spent atomically, so two concurrent refreshes cannot both succeed.
    spent = session.execute(
        update(RefreshToken)
        .where(RefreshToken.id == record.id, RefreshToken.used_at.is_(None))
        .values(used_at=now)
    )
    if spent.rowcount != 1:
        session.rollback()
        raise InvalidToken("The refresh token was already used; please log in again.")
    if (
        auth_session.revoked_at is not None
        or record.expires_at <= now
        or auth_session.user.deleted_at is not None
    ):
        session.commit()
        raise InvalidToken("The session has ended; please log in again.")
    auth_session.last_refreshed_at = now
    pair = _issue_pair(session, security, auth_session, now)
    session.commit()
    return pair


def logout(session: Session, *, principal: Principal) -> None:
    """Revoke the caller's session: its refresh tokens and access tokens stop working."""
    auth_session = session.get(AuthSession, principal.session_id)
    if auth_session is not None and auth_session.revoked_at is None:
        auth_session.revoked_at, auth_session.revoke_reason = utcnow(), "logout"
    session.commit()


def authenticate(session: Session, security: Security, *, access_token: str) -> Principal:
    """Return the principal of a valid access token whose session and user are still live."""
    claims = security.access_tokens.verify(access_token)
    row = session.execute(
        select(User, AuthSession.revoked_at)
        .join(AuthSession, AuthSession.user_id == User.id)
        .where(User.id == claims.user_id, AuthSession.id == claims.session_id)
    ).one_or_none()
    if row is None:
        raise InvalidToken("The access token is invalid.")
    user, revoked_at = row
    if revoked_at is not None or not user.is_active:
        raise InvalidToken("The session has ended; please log in again.")
    return Principal(user=user, session_id=claims.session_id)


def revoke_all_sessions(session: Session, *, user: User, reason: str) -> None:
    """Revoke every live session of the user (no commit)."""
    session.execute(
        update(AuthSession)
        .where(AuthSession.user_id == user.id, AuthSession.revoked_at.is_(None))
        .values(revoked_at=utcnow(), revoke_reason=reason)
    )


def issue_setup_token(security: Security, user: User) -> tuple[str, datetime]:
    """Give a staff user a fresh one-time setup token (no commit)."""
    token = new_opaque_token()
    expires_at = utcnow() + security.setup_ttl
    user.setup_token_hash, user.setup_token_expires_at = digest(token), expires_at
    return token, expires_at


def complete_setup(
    session: Session, security: Security, *, setup_token: str, password: str
) -> TokenPair:
    """Set the first password of a staff account with its one-time token, and log in."""
    user = session.scalar(select(User).where(User.setup_token_hash == digest(setup_token)))
    if (
        user is None
        or user.deleted_at is not None
        or user.setup_token_expires_at is None
        or user.setup_token_expires_at <= utcnow()
    ):
        raise InvalidToken(
            "The setup token is invalid or has expired; ask your admin for a new one."
        )
    check_password_rules(password, email=user.email)
    user.password_hash = security.passwords.hash(password)
    user.setup_token_hash = user.setup_token_expires_at = None
    pair = _start_session(session, security, user)
    session.commit()
    return pair


def change_password(
    session: Session,
    security: Security,
    *,
    principal: Principal,
    current_password: str,
    new_password: str,
) -> None:
    """Change the caller's password and end every other session."""
    user = principal.user
    if not security.passwords.verify(user.password_hash, current_password):
        raise InvalidCredentials("The current password is incorrect.")
    check_password_rules(new_password, email=user.email)
    user.password_hash = security.passwords.hash(new_password)
    session.execute(
        update(AuthSession)
        .where(
            AuthSession.user_id == user.id,
            AuthSession.revoked_at.is_(None),
            AuthSession.id != principal.session_id,
        )
        .values(revoked_at=utcnow(), revoke_reason="password_changed")
    )
    session.commit()
