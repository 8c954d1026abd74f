"""Password reset by email: asking never reveals whether an account exists."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.clock import utcnow
from app.db.unit_of_work import unit_of_work
from app.exceptions import TooManyAttempts
from app.identity.accounts import find_user_by_email, hash_new_password, normalize_email
from app.identity.exceptions import InvalidToken
from app.identity.links import notices
from app.identity.links.tokens import issue_link, redeem, spend_all_links
from app.identity.models import EmailToken, EmailTokenPurpose, User
from app.identity.security import Security
from app.identity.service import revoke_all_sessions
from app.identity.throttling import clear_login_throttle
from app.identity.tokens import digest


@unit_of_work
def request_password_reset(*, session: Session, security: Security, email: str) -> None:
    """Email a reset link if the account exists; the caller learns nothing either way."""
    user = find_user_by_email(session=session, email=normalize_email(email))
    if user is None:
        return
    try:
        issue_link(
            session=session,
            links=security.links,
            user=user,
            purpose=EmailTokenPurpose.RESET_PASSWORD,
            email=user.email,
            subject=notices.RESET_SUBJECT,
            text=notices.RESET_TEXT,
        )
    except TooManyAttempts:
        return  # silently: a 429 here would tell a stranger that the account exists


def complete_password_reset(
    *, session: Session, security: Security, token: str, password: str
) -> None:
    """Set a new password with a reset link; every session of the account ends."""
    email = session.scalar(
        select(User.email)
        .join(EmailToken, EmailToken.user_id == User.id)
        .where(
            EmailToken.token_hash == digest(token),
            EmailToken.purpose == EmailTokenPurpose.RESET_PASSWORD,
            EmailToken.used_at.is_(None),
            EmailToken.expires_at > utcnow(),
        )
    )
    if email is None:
        raise InvalidToken("This link is invalid, was already used or has expired.")
    password_hash = hash_new_password(security, password, email=email)  # slow: before the lock
    _set_password(session=session, token=token, password_hash=password_hash)


@unit_of_work
def _set_password(*, session: Session, token: str, password_hash: str) -> None:
    record = redeem(session=session, purpose=EmailTokenPurpose.RESET_PASSWORD, token=token)
    user = session.get_one(User, record.user_id)
    user.password_hash = password_hash
    user.setup_token_hash = user.setup_token_expires_at = None
    if user.email_verified_at is None and record.email == user.email:
        user.email_verified_at = utcnow()  # following the link proved the address
    revoke_all_sessions(session=session, user=user, reason="password_reset")
    spend_all_links(session=session, user=user)
    clear_login_throttle(session=session, email=user.email)
    notices.notify_password_changed(session=session, user=user)
