"""Accounts and credentials: new users, login, staff setup, password changes."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from email_validator import EmailNotValidError, validate_email
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.clock import utcnow
from app.db.unit_of_work import run_in_transaction, unit_of_work
from app.exceptions import InvalidRequest
from app.identity.exceptions import EmailTaken, InvalidCredentials, InvalidToken
from app.identity.links.notices import notify_password_changed
from app.identity.mfa.service import Challenge, open_challenge
from app.identity.models import Role, User
from app.identity.passwords import check_password_rules
from app.identity.security import Security
from app.identity.service import Principal, TokenPair, revoke_all_sessions, start_session
from app.identity.throttling import (
    ThrottleKeys,
    check_throttle,
    clear_login_throttle,
    record_failure,
)
from app.identity.tokens import digest, new_opaque_token


def normalize_email(address: str) -> str:
    """Return the canonical, lower-case form of an email address."""
    try:
        normalized = validate_email(address.strip(), check_deliverability=False).normalized
    except EmailNotValidError as exc:
        raise InvalidRequest(
            "The email address is not valid.", errors={"email": [str(exc)]}
        ) from exc
    return normalized.lower()


def find_user_by_email(*, session: Session, email: str) -> User | None:
    """Return the live user with that (normalized) email, if any."""
    return session.scalar(select(User).where(User.email == email, User.deleted_at.is_(None)))


def hash_new_password(
    security: Security, password: str, *, email: str, personal: Sequence[str] = ()
) -> str:
    """Check a new password against the rules and hash it (slow: call before any lock)."""
    check_password_rules(password, email=email, screen=security.screen, personal=personal)
    return security.passwords.hash(password)


def new_user(
    *,
    session: Session,
    email: str,
    role: Role,
    password_hash: str | None = None,
    clinic_id: uuid.UUID | None = None,
) -> User:
    """Add a user after checking that the email is free (no commit)."""
    email = normalize_email(email)
    if session.scalar(select(User.id).where(User.email == email)) is not None:
        raise EmailTaken("An account with this email already exists.")
    user = User(email=email, role=role, clinic_id=clinic_id, password_hash=password_hash)
    session.add(user)
    return user


@dataclass(frozen=True)
class LoginResult:
    """Tokens, or (when the account has two-factor authentication) a challenge to answer."""

    tokens: TokenPair | None = None
    challenge: Challenge | None = None

    @property
    def mfa_required(self) -> bool:
        """True when the login waits for a second factor."""
        return self.challenge is not None

    @property
    def access_token(self) -> str | None:
        """The access token, once logged in."""
        return self.tokens.access_token if self.tokens else None

    @property
    def refresh_token(self) -> str | None:
        """The refresh token, once logged in."""
        return self.tokens.refresh_token if self.tokens else None

    @property
    def expires_at(self) -> datetime | None:
        """When the access token expires, once logged in."""
        return self.tokens.expires_at if self.tokens else None

    @property
    def user(self) -> User | None:
        """The account, once logged in."""
        return self.tokens.user if self.tokens else None

    @property
    def mfa_token(self) -> str | None:
        """The challenge to answer at /auth/mfa/verify, while a second factor is due."""
        return self.challenge.mfa_token if self.challenge else None

    @property
    def mfa_expires_at(self) -> datetime | None:
        """When the challenge expires."""
        return self.challenge.expires_at if self.challenge else None


def login(
    *, session: Session, security: Security, email: str, password: str, address: str | None
) -> LoginResult:
    """Verify credentials (throttled per account and address; the slow hash before any lock)."""
    try:
        normalized = normalize_email(email)
    except InvalidRequest:
        normalized = email.strip().lower()
    keys = ThrottleKeys.of(normalized, address)
    check_throttle(session=session, keys=keys)
    user = find_user_by_email(session=session, email=normalized)
    stored = user.password_hash if user else None
    if not security.passwords.verify(stored, password) or user is None or stored is None:
        run_in_transaction(lambda: record_failure(session=session, keys=keys), session=session)
        raise InvalidCredentials("Email or password is incorrect.")
    upgraded = (
        security.passwords.hash(password) if security.passwords.needs_rehash(stored) else None
    )
    return _log_in(
        session=session, security=security, user_id=user.id, verified=stored, upgraded=upgraded
    )


@unit_of_work
def _log_in(
    *, session: Session, security: Security, user_id: uuid.UUID, verified: str, upgraded: str | None
) -> LoginResult:
    user = session.get_one(User, user_id)
    if user.deleted_at is not None or user.password_hash != verified:
        raise InvalidCredentials("Email or password is incorrect.")  # changed meanwhile
    if upgraded is not None:
        user.password_hash = upgraded
    if user.mfa_enabled:
        return LoginResult(challenge=open_challenge(session=session, user=user))
    clear_login_throttle(session=session, email=user.email)
    return LoginResult(tokens=start_session(session=session, security=security, user=user))


def issue_setup_token(security: Security, user: User) -> tuple[str, datetime]:
    """Give a staff user a fresh one-time setup token (no commit)."""
    token = new_opaque_token()
    expires_at = utcnow() + security.setup_ttl
    user.setup_token_hash, user.setup_token_expires_at = digest(token), expires_at
    return token, expires_at


def _user_of_setup_token(session: Session, setup_token: str) -> User:
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
    return user


def complete_setup(
    *, session: Session, security: Security, setup_token: str, password: str
) -> TokenPair:
    """Set the first password of a staff account with its one-time token, and log in."""
    email = _user_of_setup_token(session, setup_token).email
    password_hash = hash_new_password(security, password, email=email)
    return _finish_setup(
        session=session, security=security, setup_token=setup_token, password_hash=password_hash
    )


@unit_of_work
def _finish_setup(
    *, session: Session, security: Security, setup_token: str, password_hash: str
) -> TokenPair:
    user = _user_of_setup_token(session, setup_token)  # spent by a concurrent setup: refused
    user.password_hash = password_hash
    user.setup_token_hash = user.setup_token_expires_at = None
    return start_session(session=session, security=security, user=user)


def change_password(
    *,
    session: Session,
    security: Security,
    principal: Principal,
    current_password: str,
    new_password: str,
) -> None:
    """Change the caller's password and end every other session."""
    verified = principal.user.password_hash
    if not security.passwords.verify(verified, current_password):
        raise InvalidCredentials("The current password is incorrect.")
    password_hash = hash_new_password(security, new_password, email=principal.user.email)
    _replace_password(
        session=session, principal=principal, verified=verified, password_hash=password_hash
    )


@unit_of_work
def _replace_password(
    *, session: Session, principal: Principal, verified: str | None, password_hash: str
) -> None:
    user = session.get_one(User, principal.user.id)
    if user.password_hash != verified:
        raise InvalidCredentials("The password was changed meanwhile; try again.")
    user.password_hash = password_hash
    revoke_all_sessions(
        session=session, user=user, reason="password_changed", keep=principal.session_id
    )
    notify_password_changed(session=session, user=user)
