"""Alerts nobody acknowledged are sent again to every admin of the clinic, a few times.

Each escalation is its own transaction with a stable dedupe key, so a rerun or a second worker
never sends one twice, and one alert that fails (its clinic has no admin left, say) is logged and
leaves the others to go.
"""

from __future__ import annotations

import logging
import uuid
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from app.clock import utcnow
from app.db.unit_of_work import run_in_transaction
from app.i18n.messages import message
from app.identity.models import Role, User
from app.mail.delivery import queue_email
from matching.crisis_alerts.models import CrisisAlert

logger = logging.getLogger(__name__)
MAX_ESCALATIONS = 3


class NobodyToTell(RuntimeError):
    """The clinic has no admin left to escalate to."""


@dataclass(frozen=True)
class Escalation:
    """When to escalate and where links point."""

    after: timedelta
    app_url: str

    def __call__(self, sessions: sessionmaker[Session]) -> int:
        """Escalate every alert due; return how many were escalated."""
        now = utcnow()
        with sessions() as session:
            due = list(
                session.scalars(
                    select(CrisisAlert.id).where(
                        CrisisAlert.acknowledged_at.is_(None),
                        CrisisAlert.escalations < MAX_ESCALATIONS,
                        CrisisAlert.raised_at <= now - self.after,
                    )
                )
            )
        done = 0
        for alert_id in due:
            with sessions() as session:
                try:
                    if run_in_transaction(
                        lambda: self.escalate(session, alert_id),  # noqa: B023
                        session=session,
                    ):
                        done += 1
                except Exception:
                    logger.exception("crisis escalation failed", extra={"alert": str(alert_id)})
        return done

    def escalate(self, session: Session, alert_id: uuid.UUID) -> bool:
        """Send the next escalation of one alert if it is due (locked; no commit)."""
        alert = session.get_one(CrisisAlert, alert_id, with_for_update=True)
        last = alert.escalated_at or alert.raised_at
        if alert.acknowledged_at is not None or utcnow() - last < self.after:
            return False  # acknowledged, or another worker just escalated it
        admins = list(
            session.scalars(
                select(User).where(
                    User.role == Role.ADMIN,
                    User.clinic_id == alert.clinic_id,
                    User.deleted_at.is_(None),
                )
            )
        )
        if not admins:
            raise NobodyToTell(f"clinic {alert.clinic_id} has no admin")
        alert.escalations += 1
        alert.escalated_at = utcnow()
        minutes = int((alert.escalated_at - alert.raised_at).total_seconds() // 60)
        for admin in admins:
            queue_email(
                session=session,
                to=admin.email,
                locale=admin.locale,
                subject=message("Still waiting: a new client needs follow-up"),
                text=message(
                    "An urgent follow-up raised %(minutes)s minutes ago has not been taken in "
                    "hand yet. Open the clinic dashboard (%(link)s) and acknowledge reference "
                    "%(reference)s once someone is on it.\n",
                    minutes=minutes,
                    link=self.app_url,
                    reference=str(alert.intake_id),
                ),
                dedupe_key=f"crisis-escalation:{alert.id}:{alert.escalations}:{admin.id}",
            )
        return True
