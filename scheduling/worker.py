"""The outbox worker: claims due messages, handles them, retries with backoff, dead-letters.

Delivery is at least once. A message is claimed by pushing its `available_at` past a lease in a
short transaction (on PostgreSQL with FOR UPDATE SKIP LOCKED, so several workers never claim the
same row); it is handled outside that transaction and marked sent afterwards. A worker that dies
after sending but before marking leaves the claim to expire, and the message is sent again with
the same Message-ID, which mail clients use to drop the duplicate.
"""

from __future__ import annotations

import logging
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from app.db import begin_write, utcnow
from app.directory.models import TherapistProfile
from scheduling.external import due_calendars, refresh_calendar
from scheduling.mail import Mailer, build_email
from scheduling.messages import (
    EMAIL,
    MessageSettings,
    fan_out_appointment_change,
    fan_out_crisis_alert,
)
from scheduling.outbox import OutboxMessage, OutboxStatus

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class WorkerSettings:
    """Retry and lease policy."""

    max_attempts: int = 8
    retry_base: timedelta = timedelta(seconds=30)
    retry_cap: timedelta = timedelta(hours=6)
    lease: timedelta = timedelta(minutes=2)
    batch: int = 20
    message_id_domain: str = "appointments.local"
    calendar_refresh: timedelta = timedelta(minutes=30)


class Worker:
    """Delivers outbox messages through handlers chosen by topic."""

    def __init__(
        self,
        sessions: sessionmaker[Session],
        mailer: Mailer,
        messages: MessageSettings,
        settings: WorkerSettings,
        fetch_calendar: Callable[[str], bytes] | None = None,
    ) -> None:
        self.sessions, self.mailer = sessions, mailer
        self.messages, self.settings = messages, settings
        self.fetch_calendar = fetch_calendar
        self.handlers: dict[str, Callable[[Session, OutboxMessage], None]] = {
            EMAIL: self._send_email,
            "appointment.changed": lambda s, m: fan_out_appointment_change(
                s, m.payload, self.messages
            ),
            "alert.crisis_intake": lambda s, m: fan_out_crisis_alert(s, m.payload, self.messages),
        }

    def message_id(self, message_id: uuid.UUID) -> str:
        """The Message-ID of an email: the same on every attempt."""
        return f"<{message_id}@{self.settings.message_id_domain}>"

    def claim(self, now: datetime) -> list[uuid.UUID]:
        """Lease a batch of due messages to this worker."""
        with self.sessions() as session:
            begin_write(session)
            rows = session.scalars(
                select(OutboxMessage)
                .where(
                    OutboxMessage.status == OutboxStatus.PENDING, OutboxMessage.available_at <= now
                )
                .order_by(OutboxMessage.available_at)
                .limit(self.settings.batch)
                .with_for_update(skip_locked=True)
            ).all()
            for row in rows:
                row.available_at = now + self.settings.lease
                row.attempts += 1
            session.commit()
            return [row.id for row in rows]

    def run_once(self, now: datetime | None = None) -> int:
        """Refresh due external calendars, then handle due messages; returns messages claimed."""
        if self.fetch_calendar is not None:
            self.refresh_calendars()
        now = now or utcnow()
        claimed = self.claim(now)
        for message_id in claimed:
            self._handle(message_id, now)
        return len(claimed)

    def refresh_calendars(self) -> int:
        """Fetch the external calendars not refreshed recently; failures keep old data."""
        if self.fetch_calendar is None:
            return 0
        with self.sessions() as session:
            due = due_calendars(session, every=self.settings.calendar_refresh)
            for calendar in due:
                zone = session.get_one(TherapistProfile, calendar.therapist_id).timezone
                refresh_calendar(session, calendar, zone=zone, fetch=self.fetch_calendar)
            return len(due)

    def run_forever(self, poll: float, should_stop: Callable[[], bool] = lambda: False) -> None:
        """Poll until stopped."""
        while not should_stop():
            if self.run_once() == 0:
                time.sleep(poll)

    def _handle(self, message_id: uuid.UUID, now: datetime) -> None:
        with self.sessions() as session:
            begin_write(session)  # handlers write: on SQLite take the lock before reading
            message = session.get_one(OutboxMessage, message_id)
            try:
                self.handlers[message.topic](session, message)
            except Exception as exc:  # any failure is retried, then dead-lettered
                session.rollback()
                begin_write(session)
                self._failed(session, message_id, exc, now)
                return
            message.status, message.sent_at, message.last_error = (
                OutboxStatus.SENT,
                utcnow(),
                None,
            )
            session.commit()

    def _failed(
        self, session: Session, message_id: uuid.UUID, error: Exception, now: datetime
    ) -> None:
        message = session.get_one(OutboxMessage, message_id)
        message.last_error = f"{type(error).__name__}: {error}"[:2000]
        if message.attempts >= self.settings.max_attempts:
            message.status = OutboxStatus.DEAD
            logger.error(
                "outbox message dead-lettered",
                extra={"message_id": str(message_id), "topic": message.topic},
            )
        else:
            delay = min(
                self.settings.retry_base * 2 ** (message.attempts - 1), self.settings.retry_cap
            )
            message.available_at = now + delay
            logger.warning(
                "outbox message failed; will retry",
                extra={
                    "message_id": str(message_id),
                    "topic": message.topic,
                    "attempts": message.attempts,
                },
            )
        session.commit()

    def _send_email(self, session: Session, message: OutboxMessage) -> None:
        self.mailer.send(
            build_email(
                message.payload, message_id=self.message_id(message.id), sender=self.messages.sender
            )
        )
