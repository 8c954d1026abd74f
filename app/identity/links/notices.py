"""Account emails: neutral texts, nothing clinical, no account details beyond the link."""

from __future__ import annotations

import uuid

from sqlalchemy.orm import Session

from app.identity.models import User
from app.mail.delivery import queue_email

VERIFY_SUBJECT = "Confirm your email address"
VERIFY_TEXT = (
    "Please confirm that this is your email address by opening this link within {hours} "
    "hours:\n\n{link}\n\nIf you did not create an account, you can ignore this email.\n"
)
RESET_SUBJECT = "Reset your password"
RESET_TEXT = (
    "Someone asked to reset the password of the account that uses this email address. To choose "
    "a new password, open this link within {hours} hour(s):\n\n{link}\n\n"
    "If it was not you, ignore this email; your password stays as it is.\n"
)
CHANGE_NOTICE_SUBJECT = "Your password was changed"
CHANGE_NOTICE_TEXT = (
    "The password of your account was just changed and every other sign-in was ended.\n"
    "If this was not you, reset your password now or contact support.\n"
)
EMAIL_CHANGED_SUBJECT = "Your sign-in email was changed"
EMAIL_CHANGED_TEXT = (
    "Your account now signs in with another email address, and mail goes there from now on.\n"
    "If this was not you, contact support.\n"
)


def notify_password_changed(*, session: Session, user: User) -> None:
    """Tell the account's address, neutrally, that its password changed (no commit)."""
    queue_email(
        session=session,
        to=user.email,
        subject=CHANGE_NOTICE_SUBJECT,
        text=CHANGE_NOTICE_TEXT,
        dedupe_key=f"password-changed:{user.id}:{uuid.uuid4()}",
    )
