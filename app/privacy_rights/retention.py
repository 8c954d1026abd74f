"""The retention policy: what is deleted once it is older than its period.

| What                                              | Kept for (configuration)            |
| emails once sent or dead-lettered (their bodies)   | `RETENTION_MAIL_DAYS` (30)          |
| webhook deliveries once delivered or given up      | `RETENTION_MAIL_DAYS` (30)          |
| ended logins and their refresh tokens              | `RETENTION_SESSIONS_DAYS` (90)      |
| used or expired emailed links                      | `RETENTION_SESSIONS_DAYS` (90)      |
| finished second-factor challenges                  | 1 day                               |
| sign-in failure counters untouched                 | 1 day                               |
| answers kept for Idempotency-Key retries            | 24 hours                            |
| audit events                                       | `RETENTION_AUDIT_DAYS` (6 years)    |

Each category runs in its own transaction: one that fails is reported and the others still run.
Billing records (payments, refunds, ledger, estimates, superbills' codings) are kept at least
`RETENTION_BILLING_DAYS` (7 years) and never deleted by this command.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Delete, delete, func, or_, select
from sqlalchemy.orm import Session, sessionmaker

from app.audit import AuditEvent
from app.db.unit_of_work import run_in_transaction
from app.idempotency.models import IdempotentRequest
from app.idempotency.store import KEPT_FOR
from app.identity.models import (
    AuthSession,
    EmailToken,
    LoginThrottle,
    MfaChallenge,
    RefreshToken,
)
from app.mail.delivery import EMAIL
from app.outbox.models import OutboxMessage, OutboxStatus
from app.webhooks.events import DELIVER
from app.webhooks.models import DeliveryStatus, WebhookDelivery

logger = logging.getLogger(__name__)
DAY = timedelta(days=1)


@dataclass(frozen=True)
class RetentionPeriods:
    """How long each kind of record is kept."""

    mail: timedelta
    sessions: timedelta
    audit: timedelta

    @classmethod
    def from_config(cls, config: dict[str, Any]) -> RetentionPeriods:
        """Read the periods from the configuration."""
        return cls(
            mail=timedelta(days=config["RETENTION_MAIL_DAYS"]),
            sessions=timedelta(days=config["RETENTION_SESSIONS_DAYS"]),
            audit=timedelta(days=config["RETENTION_AUDIT_DAYS"]),
        )


def _ended_sessions(before: datetime) -> Any:
    return select(AuthSession.id).where(AuthSession.revoked_at < before)


def categories(periods: RetentionPeriods, now: datetime) -> dict[str, list[Callable[[], Delete]]]:
    """Each category's deletions, in the order they must run (children before parents)."""
    ended = now - periods.sessions
    return {
        "sent mail": [
            lambda: delete(OutboxMessage).where(
                OutboxMessage.topic == EMAIL,
                OutboxMessage.status.in_([OutboxStatus.SENT, OutboxStatus.DEAD]),
                OutboxMessage.created_at < now - periods.mail,
            )
        ],
        "webhook deliveries": [
            lambda: delete(OutboxMessage).where(
                OutboxMessage.topic == DELIVER,
                OutboxMessage.status.in_([OutboxStatus.SENT, OutboxStatus.DEAD]),
                OutboxMessage.created_at < now - periods.mail,
            ),
            lambda: delete(WebhookDelivery).where(
                WebhookDelivery.status.in_([DeliveryStatus.SUCCEEDED, DeliveryStatus.DEAD]),
                WebhookDelivery.created_at < now - periods.mail,
            ),
        ],
        "ended logins": [
            lambda: delete(RefreshToken).where(RefreshToken.session_id.in_(_ended_sessions(ended))),
            lambda: delete(AuthSession).where(AuthSession.revoked_at < ended),
        ],
        "emailed links": [
            lambda: delete(EmailToken).where(
                or_(EmailToken.used_at < ended, EmailToken.expires_at < ended)
            )
        ],
        "second-factor challenges": [
            lambda: delete(MfaChallenge).where(MfaChallenge.expires_at < now - DAY)
        ],
        "sign-in counters": [
            lambda: delete(LoginThrottle).where(LoginThrottle.updated_at < now - DAY)
        ],
        "idempotency keys": [
            lambda: delete(IdempotentRequest).where(IdempotentRequest.started_at < now - KEPT_FOR)
        ],
        "audit events": [lambda: delete(AuditEvent).where(AuditEvent.at < now - periods.audit)],
    }


def _run(session: Session, steps: list[Callable[[], Delete]], *, dry_run: bool) -> int:
    """The number of records of the category past their period, deleted unless dry."""
    last = steps[-1]()
    if dry_run:
        where = last.whereclause
        counted = select(func.count()).select_from(last.table)
        return session.scalar(counted if where is None else counted.where(where)) or 0
    deleted = 0
    for step in steps:
        deleted = int(getattr(session.execute(step()), "rowcount", 0) or 0)
    return deleted  # the category's own records (the last step), not the children removed first


def apply_retention(
    sessions: sessionmaker[Session], periods: RetentionPeriods, now: datetime, *, dry_run: bool
) -> dict[str, int | Exception]:
    """Delete (or, dry, count) what each category holds past its period; each fails alone."""
    results: dict[str, int | Exception] = {}
    for name, steps in categories(periods, now).items():
        with sessions() as session:
            try:
                results[name] = run_in_transaction(
                    lambda: _run(session, steps, dry_run=dry_run),  # noqa: B023
                    session=session,
                )
            except Exception as error:
                logger.exception("retention category failed", extra={"category": name})
                results[name] = error
    return results
