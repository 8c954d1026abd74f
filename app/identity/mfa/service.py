"""Authenticator-app enrolment, recovery codes, and the second step of a login."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session

from app.clock import utcnow
from app.db.unit_of_work import unit_of_work
from app.encryption import FieldCipher
from app.exceptions import Conflict
from app.identity.exceptions import (
    InvalidCredentials,
    InvalidMfaCode,
    InvalidToken,
    WrongEnrolmentCode,
)
from app.identity.mfa import totp
from app.identity.models import AuthSession, MfaChallenge, RecoveryCode, TotpFactor, User
from app.identity.security import Security
from app.identity.service import Principal, TokenPair, revoke_all_sessions, start_session
from app.identity.throttling import (
    ThrottleKeys,
    check_throttle,
    clear_login_throttle,
    record_failure,
)
from app.identity.tokens import digest, new_opaque_token

CHALLENGE_TTL = timedelta(minutes=5)
CHALLENGE_ATTEMPTS = 5


@dataclass(frozen=True)
class Enrolment:
    """A new authenticator secret, shown once, to be confirmed with a code."""

    secret: str
    otpauth_uri: str


@dataclass(frozen=True)
class Challenge:
    """A password login that still needs its second factor."""

    mfa_token: str
    expires_at: datetime


def code_accepted(*, session: Session, cipher: FieldCipher, user: User, code: str) -> bool:
    """Spend a current TOTP code or an unused recovery code of the user (no commit)."""
    factor = user.totp
    if factor is None or factor.confirmed_at is None:
        return False
    now = utcnow()
    secret = cipher.decrypt(factor.secret_encrypted)
    step = totp.matching_step(secret, code, at=now, after=factor.last_used_step)
    if step is not None:
        spent = session.execute(  # two requests with one code: only one moves the step on
            update(TotpFactor)
            .where(
                TotpFactor.id == factor.id,
                (TotpFactor.last_used_step.is_(None)) | (TotpFactor.last_used_step < step),
            )
            .values(last_used_step=step)
            .returning(TotpFactor.id)
        ).first()
        session.refresh(factor)
        return spent is not None
    recovered = session.execute(
        update(RecoveryCode)
        .where(
            RecoveryCode.user_id == user.id,
            RecoveryCode.code_hash == digest(totp.normalize_recovery_code(code)),
            RecoveryCode.used_at.is_(None),
        )
        .values(used_at=now)
        .returning(RecoveryCode.id)
    ).first()
    return recovered is not None


@unit_of_work
def start_enrolment(
    *, session: Session, cipher: FieldCipher, issuer: str, principal: Principal
) -> Enrolment:
    """Create (or replace an unconfirmed) authenticator secret for the caller."""
    user = session.get_one(User, principal.user.id)
    if user.mfa_enabled:
        raise Conflict("Two-factor authentication is already on; turn it off first to move it.")
    secret = totp.new_secret()
    if user.totp is None:
        user.totp = TotpFactor(secret_encrypted=cipher.encrypt(secret), created_at=utcnow())
    else:
        user.totp.secret_encrypted, user.totp.created_at = cipher.encrypt(secret), utcnow()
        user.totp.last_used_step = None
    return Enrolment(secret, totp.provisioning_uri(secret, account=user.email, issuer=issuer))


@unit_of_work
def confirm_enrolment(
    *, session: Session, cipher: FieldCipher, principal: Principal, code: str
) -> list[str]:
    """Turn two-factor authentication on with a first code; return the recovery codes."""
    user = session.get_one(User, principal.user.id)
    factor = user.totp
    if factor is None or factor.confirmed_at is not None:
        raise Conflict("Start the enrolment first (POST /auth/mfa/totp).")
    now = utcnow()
    secret = cipher.decrypt(factor.secret_encrypted)
    step = totp.matching_step(secret, code, at=now, after=None)
    if step is None:
        raise WrongEnrolmentCode(
            "The code is not right; check the time on your device and retry.",
            errors={"code": ["Does not match the secret for the current time."]},
        )
    factor.confirmed_at, factor.last_used_step = now, step
    session.get_one(AuthSession, principal.session_id).mfa_verified_at = now
    return _replace_recovery_codes(session, user, now)


def _replace_recovery_codes(session: Session, user: User, now: datetime) -> list[str]:
    session.execute(delete(RecoveryCode).where(RecoveryCode.user_id == user.id))
    codes = totp.new_recovery_codes()
    session.add_all(
        RecoveryCode(user_id=user.id, code_hash=digest(code), created_at=now) for code in codes
    )
    return codes


def _reauthenticate(security: Security, principal: Principal, password: str) -> None:
    if not security.passwords.verify(principal.user.password_hash, password):
        raise InvalidCredentials("The password is incorrect.")


def disable(
    *,
    session: Session,
    security: Security,
    cipher: FieldCipher,
    principal: Principal,
    password: str,
    code: str,
) -> None:
    """Turn two-factor authentication off (password and a code); other logins end."""
    _reauthenticate(security, principal, password)
    outcome = _disable(session=session, cipher=cipher, principal=principal, code=code)
    if outcome is not None:
        raise outcome


@unit_of_work
def _disable(
    *, session: Session, cipher: FieldCipher, principal: Principal, code: str
) -> InvalidMfaCode | None:
    user = session.get_one(User, principal.user.id)
    if not user.mfa_enabled:
        raise Conflict("Two-factor authentication is not on.")
    if not code_accepted(session=session, cipher=cipher, user=user, code=code):
        return InvalidMfaCode("The code is not right.")
    session.execute(delete(RecoveryCode).where(RecoveryCode.user_id == user.id))
    session.delete(user.totp)
    session.get_one(AuthSession, principal.session_id).mfa_verified_at = None
    revoke_all_sessions(
        session=session, user=user, reason="mfa_disabled", keep=principal.session_id
    )
    return None


def regenerate_recovery_codes(
    *,
    session: Session,
    security: Security,
    cipher: FieldCipher,
    principal: Principal,
    password: str,
    code: str,
) -> list[str]:
    """Replace every recovery code (password and a code); the old ones stop working."""
    _reauthenticate(security, principal, password)
    outcome = _regenerate(session=session, cipher=cipher, principal=principal, code=code)
    if isinstance(outcome, InvalidMfaCode):
        raise outcome
    return outcome


@unit_of_work
def _regenerate(
    *, session: Session, cipher: FieldCipher, principal: Principal, code: str
) -> list[str] | InvalidMfaCode:
    user = session.get_one(User, principal.user.id)
    if not user.mfa_enabled:
        raise Conflict("Two-factor authentication is not on.")
    if not code_accepted(session=session, cipher=cipher, user=user, code=code):
        return InvalidMfaCode("The code is not right.")
    return _replace_recovery_codes(session, user, utcnow())


def open_challenge(*, session: Session, user: User) -> Challenge:
    """Hold a password-verified login until its second factor arrives (no commit)."""
    token, now = new_opaque_token(), utcnow()
    session.add(
        MfaChallenge(
            user_id=user.id,
            token_hash=digest(token),
            created_at=now,
            expires_at=now + CHALLENGE_TTL,
            failed_attempts=0,
        )
    )
    return Challenge(token, now + CHALLENGE_TTL)


def complete_challenge(
    *,
    session: Session,
    security: Security,
    cipher: FieldCipher,
    mfa_token: str,
    code: str,
    address: str | None,
) -> TokenPair:
    """Finish a login with a TOTP or recovery code; wrong codes count and end the challenge."""
    email = challenge_user_email(session=session, mfa_token=mfa_token)
    if email is not None:
        check_throttle(session=session, keys=ThrottleKeys.of(email, address))
    outcome = _complete(
        session=session,
        security=security,
        cipher=cipher,
        mfa_token=mfa_token,
        code=code,
        address=address,
    )
    if isinstance(outcome, Exception):
        raise outcome  # after the commit, so the failure is counted
    return outcome


@unit_of_work
def _complete(
    *,
    session: Session,
    security: Security,
    cipher: FieldCipher,
    mfa_token: str,
    code: str,
    address: str | None,
) -> TokenPair | InvalidToken | InvalidMfaCode:
    now = utcnow()
    challenge = session.scalar(
        select(MfaChallenge).where(MfaChallenge.token_hash == digest(mfa_token)).with_for_update()
    )
    if challenge is None or challenge.used_at is not None or challenge.expires_at <= now:
        return InvalidToken("This sign-in has expired or was finished; log in again.")
    user = session.get_one(User, challenge.user_id)
    if user.deleted_at is not None:
        return InvalidToken("This sign-in has expired or was finished; log in again.")
    if not code_accepted(session=session, cipher=cipher, user=user, code=code):
        challenge.failed_attempts += 1
        if challenge.failed_attempts >= CHALLENGE_ATTEMPTS:
            challenge.used_at = now
        record_failure(session=session, keys=ThrottleKeys.of(user.email, address))
        return InvalidMfaCode("The code is not right.")
    challenge.used_at = now
    clear_login_throttle(session=session, email=user.email)
    return start_session(session=session, security=security, user=user, mfa_verified=True)


def challenge_user_email(*, session: Session, mfa_token: str) -> str | None:
    """The email of a live challenge's account (for throttling before the code is checked)."""
    return session.scalar(
        select(User.email)
        .join(MfaChallenge, MfaChallenge.user_id == User.id)
        .where(MfaChallenge.token_hash == digest(mfa_token), MfaChallenge.used_at.is_(None))
    )
