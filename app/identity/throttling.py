"""Failed sign-ins slow down, per account and per account from one address; never a hard lock.

The first few failures cost nothing; then each failure doubles the wait before the next attempt,
capped low for the account as a whole (a stranger failing from many addresses can delay the real
user by seconds, not lock them out) and higher for one address against one account. Unknown
addresses are counted exactly like known ones, so the answers never tell whether an account
exists. A successful sign-in (with its second factor) or a password reset clears the counters.
"""

from __future__ import annotations

import hashlib
import math
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import case, delete, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from app.clock import utcnow
from app.exceptions import TooManyAttempts
from app.identity.models import LoginThrottle

FREE_FAILURES = 3
ACCOUNT_CAP = timedelta(seconds=30)
ADDRESS_CAP = timedelta(minutes=15)
FORGET_AFTER = timedelta(days=1)  # a failure a day after the last one starts a new count


@dataclass(frozen=True)
class ThrottleKeys:
    """The counters one sign-in attempt is charged to."""

    account: str
    pair: str

    @classmethod
    def of(cls, email: str, address: str | None) -> ThrottleKeys:
        """Keys for an (already normalized) email and the client's address."""
        account = hashlib.sha256(email.encode()).hexdigest()
        return cls(f"account:{account}", f"pair:{account}:{address or 'unknown'}"[:200])


def delay_after(failures: int, cap: timedelta) -> timedelta:
    """The wait imposed after this many consecutive failures: 0, 0, 0, 1 s, 2 s, 4 s ... cap."""
    if failures <= FREE_FAILURES:
        return timedelta(0)
    exponent = min(failures - FREE_FAILURES - 1, 30)
    return min(cap, timedelta(seconds=2**exponent))


def check_throttle(*, session: Session, keys: ThrottleKeys) -> None:
    """Raise TooManyAttempts while either counter still imposes a wait."""
    now = utcnow()
    blocked = session.scalars(
        select(LoginThrottle.blocked_until).where(
            LoginThrottle.key.in_([keys.account, keys.pair]),
            LoginThrottle.blocked_until > now,
            LoginThrottle.blocked_until > LoginThrottle.updated_at,  # a wait was imposed at all
        )
    ).all()
    if blocked:
        wait = math.ceil((max(blocked) - now).total_seconds())
        raise TooManyAttempts(
            f"Too many failed attempts; try again in {wait} seconds.", retry_after_seconds=wait
        )


def record_failure(*, session: Session, keys: ThrottleKeys) -> None:
    """Count one failure under both keys, atomically (no commit)."""
    now = utcnow()
    insert = pg_insert if session.get_bind().dialect.name == "postgresql" else sqlite_insert
    for key, cap in ((keys.account, ACCOUNT_CAP), (keys.pair, ADDRESS_CAP)):
        statement = insert(LoginThrottle).values(
            key=key, failures=1, blocked_until=now, updated_at=now
        )
        failures = session.execute(
            statement.on_conflict_do_update(
                index_elements=[LoginThrottle.key],
                set_={
                    "failures": case(
                        (LoginThrottle.updated_at < now - FORGET_AFTER, 1),
                        else_=LoginThrottle.failures + 1,
                    ),
                    "updated_at": now,
                },
            ).returning(LoginThrottle.failures)
        ).scalar_one()
        session.execute(
            update(LoginThrottle)
            .where(LoginThrottle.key == key)
            .values(blocked_until=now + delay_after(failures, cap))
        )


def clear_login_throttle(*, session: Session, email: str) -> None:
    """Forget every failure counted against the account, from any address (no commit)."""
    keys = ThrottleKeys.of(email, None)
    prefix = keys.pair.rsplit(":", 1)[0] + ":"
    session.execute(
        delete(LoginThrottle).where(
            (LoginThrottle.key == keys.account) | LoginThrottle.key.startswith(prefix)
        )
    )
