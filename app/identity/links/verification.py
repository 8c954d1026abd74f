"""Email verification: a new or changed address is proven by a one-time emailed link."""

from __future__ import annotations

import uuid

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.clock import utcnow
from app.db.unit_of_work import unit_of_work
from app.exceptions import Conflict
from app.i18n.messages import Text
from app.identity.accounts import normalize_email
from app.identity.exceptions import EmailTaken, InvalidCredentials
from app.identity.links import notices
from app.identity.links.tokens import issue_link, redeem, spend_all_links
from app.identity.models import EmailTokenPurpose, User
from app.identity.security import Security
from app.identity.service import Principal
from app.mail.delivery import queue_email


def send_verification(
    *, session: Session, security: Security, user: User, email: str | None = None
) -> None:
    """Email the user a link proving `email` (default: their address) is theirs (no commit)."""
    issue_link(
        session=session,
        links=security.links,
        user=user,
        purpose=EmailTokenPurpose.VERIFY_EMAIL,
        email=email or user.email,
        subject=notices.VERIFY_SUBJECT,
        text=notices.VERIFY_TEXT,
    )


@unit_of_work
def resend_verification(*, session: Session, security: Security, principal: Principal) -> None:
    """Send the caller a fresh verification link (earlier ones stop working)."""
    user = session.get_one(User, principal.user.id)
    if user.email_verified:
        raise Conflict("Your email address is already verified.")
    send_verification(session=session, security=security, user=user)


@unit_of_work
def verify_email(*, session: Session, token: str) -> User:
    """Follow a verification link: the address it was sent to becomes the verified one."""
    record = redeem(session=session, purpose=EmailTokenPurpose.VERIFY_EMAIL, token=token)
    user = session.get_one(User, record.user_id)
    if record.email != user.email:
        _take_new_address(session, user, record.email)
    user.email_verified_at = utcnow()
    return user


def _take_new_address(session: Session, user: User, new_email: str) -> None:
    holder = session.scalar(select(User.id).where(User.email == new_email))
    if holder is not None and holder != user.id:
        raise EmailTaken("Another account uses this email address now.")
    queue_email(
        session=session,
        to=user.email,
        subject=Text(notices.EMAIL_CHANGED_SUBJECT),
        text=Text(notices.EMAIL_CHANGED_TEXT),
        locale=user.locale,
        dedupe_key=f"email-changed:{user.id}:{uuid.uuid4()}",
    )
    user.email = new_email
    spend_all_links(session=session, user=user)


def change_email(
    *,
    session: Session,
    security: Security,
    principal: Principal,
    new_email: str,
    current_password: str,
) -> None:
    """Ask to move the account to another address; it moves when the link sent there is used."""
    if not security.passwords.verify(principal.user.password_hash, current_password):
        raise InvalidCredentials("The current password is incorrect.")
    _request_new_address(
        session=session, security=security, user_id=principal.user.id, email=new_email
    )


@unit_of_work
def _request_new_address(
    *, session: Session, security: Security, user_id: uuid.UUID, email: str
) -> None:
    user = session.get_one(User, user_id)
    email = normalize_email(email)
    if email == user.email:
        raise Conflict("That is already your email address.")
    if session.scalar(select(User.id).where(User.email == email)) is not None:
        raise EmailTaken("An account with this email already exists.")
    send_verification(session=session, security=security, user=user, email=email)
