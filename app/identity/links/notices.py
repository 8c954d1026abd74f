"""Account emails: neutral texts, nothing clinical, no account details beyond the link."""

from __future__ import annotations

import uuid

from sqlalchemy.orm import Session

from app.i18n.messages import Text, marked
from app.identity.models import User
from app.mail.delivery import queue_email

VERIFY_SUBJECT = marked("Confirm your email address")
VERIFY_TEXT = marked(
    "Please confirm that this is your email address by opening this link within %(hours)s "
    "hours:\n\n%(link)s\n\nIf you did not create an account, you can ignore this email.\n"
)
RESET_SUBJECT = marked("Reset your password")
RESET_TEXT = marked(
    "Someone asked to reset the password of the account that uses this email address. To choose "
    "a new password, open this link within %(hours)s hour(s):\n\n%(link)s\n\n"
    "If it was not you, ignore this email; your password stays as it is.\n"
)
CHANGE_NOTICE_SUBJECT = marked("Your password was changed")
CHANGE_NOTICE_TEXT = marked(
    "The password of your account was just changed and every other sign-in was ended.\n"
    "If this was not you, reset your password now or contact support.\n"
)
EMAIL_CHANGED_SUBJECT = marked("Your sign-in email was changed")
EMAIL_CHANGED_TEXT = marked(
    "Your account now signs in with another email address, and mail goes there from now on.\n"
    "If this was not you, contact support.\n"
)


def notify_password_changed(*, session: Session, user: User) -> None:
    """Tell the account's address, neutrally, that its password changed (no commit)."""
    queue_email(
        session=session,
        to=user.email,
        subject=Text(CHANGE_NOTICE_SUBJECT),
        text=Text(CHANGE_NOTICE_TEXT),
        locale=user.locale,
        dedupe_key=f"password-changed:{user.id}:{uuid.uuid4()}",
    )
