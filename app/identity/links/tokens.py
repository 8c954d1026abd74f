"""One-time links sent by email (verification, password reset): issued, limited, redeemed."""

from __future__ import annotations

import math
from datetime import datetime, timedelta

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from app.clock import utcnow
from app.exceptions import TooManyAttempts
from app.i18n.messages import Text
from app.identity.exceptions import InvalidToken
from app.identity.models import EmailToken, EmailTokenPurpose, User
from app.identity.security import EmailLinks
from app.identity.tokens import digest, new_opaque_token
from app.mail.delivery import queue_email

DAY = timedelta(days=1)
PAGES = {
    EmailTokenPurpose.VERIFY_EMAIL: "verify-email",
    EmailTokenPurpose.RESET_PASSWORD: "reset-password",
}


def link_to(links: EmailLinks, purpose: EmailTokenPurpose, token: str) -> str:
    """The page a link opens; the token rides in the fragment, which browsers never send."""
    return f"{links.app_url}/{PAGES[purpose]}#token={token}"


def wait_before_next(
    *,
    session: Session,
    links: EmailLinks,
    user: User,
    purpose: EmailTokenPurpose,
    email: str,
    now: datetime,
) -> int:
    """Seconds before another link of this kind may go out (0: now).

    One link per address per gap (a typo corrected at once is not held up) and a daily count.
    """
    sent = session.execute(
        select(EmailToken.created_at, EmailToken.email)
        .where(
            EmailToken.user_id == user.id,
            EmailToken.purpose == purpose,
            EmailToken.created_at > now - DAY,
        )
        .order_by(EmailToken.created_at.desc())
    ).all()
    waits = [0.0]
    same_address = [at for at, address in sent if address == email]
    if same_address:
        waits.append((same_address[0] + links.min_gap - now).total_seconds())
    if len(sent) >= links.per_day:
        waits.append((sent[links.per_day - 1].created_at + DAY - now).total_seconds())
    return max(0, math.ceil(max(waits)))


def issue_link(
    *,
    session: Session,
    links: EmailLinks,
    user: User,
    purpose: EmailTokenPurpose,
    email: str,
    subject: str,
    text: str,
) -> None:
    """Spend the user's earlier links of this kind and email a new one (no commit).

    `subject` and `text` are catalog msgids; `text` has `%(link)s` and `%(hours)s` and must say
    nothing clinical. The email goes out in the user's language.
    """
    now = utcnow()
    wait = wait_before_next(
        session=session, links=links, user=user, purpose=purpose, email=email, now=now
    )
    if wait:
        raise TooManyAttempts(
            f"An email was sent recently; wait {wait} seconds before asking again.",
            retry_after_seconds=wait,
        )
    _spend_open_links(session, user, purpose, now)
    token = new_opaque_token()
    ttl = links.verify_ttl if purpose is EmailTokenPurpose.VERIFY_EMAIL else links.reset_ttl
    record = EmailToken(
        user_id=user.id,
        purpose=purpose,
        token_hash=digest(token),
        email=email,
        created_at=now,
        expires_at=now + ttl,
    )
    session.add(record)
    session.flush()
    hours = max(1, round(ttl.total_seconds() / 3600))
    queue_email(
        session=session,
        to=email,
        subject=Text(subject),
        text=Text(text, {"link": link_to(links, purpose, token), "hours": hours}),
        locale=user.locale,
        dedupe_key=f"email-link:{record.id}",
    )


def redeem(*, session: Session, purpose: EmailTokenPurpose, token: str) -> EmailToken:
    """Spend a live link exactly once (a concurrent second redemption is refused)."""
    now = utcnow()
    record = session.scalar(
        select(EmailToken).where(
            EmailToken.token_hash == digest(token), EmailToken.purpose == purpose
        )
    )
    if record is None or record.used_at is not None or record.expires_at <= now:
        raise InvalidToken("This link is invalid, was already used or has expired.")
    spent = session.execute(
        update(EmailToken)
        .where(EmailToken.id == record.id, EmailToken.used_at.is_(None))
        .values(used_at=now)
        .returning(EmailToken.id)
    ).first()
    if spent is None:
        raise InvalidToken("This link is invalid, was already used or has expired.")
    user = session.get(User, record.user_id)
    if user is None or user.deleted_at is not None:
        raise InvalidToken("This link is invalid, was already used or has expired.")
    return record


def _spend_open_links(
    session: Session, user: User, purpose: EmailTokenPurpose, now: datetime
) -> None:
    session.execute(
        update(EmailToken)
        .where(
            EmailToken.user_id == user.id,
            EmailToken.purpose == purpose,
            EmailToken.used_at.is_(None),
        )
        .values(used_at=now)
    )


def spend_all_links(*, session: Session, user: User) -> None:
    """Spend every open link of the user (after a reset or an email change)."""
    for purpose in EmailTokenPurpose:
        _spend_open_links(session, user, purpose, utcnow())
