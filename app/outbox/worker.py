"""The outbox worker: claims due messages, hands each to its topic's handler, retries, dead-letters.

Delivery is at least once. A message is claimed by pushing its `available_at` past a lease in a
short transaction (on PostgreSQL with FOR UPDATE SKIP LOCKED, so several workers never claim the
same row); it is handled in a unit of work of its own and marked sent in that same unit. A worker
that dies after a handler's side effect but before the commit leaves the claim to expire, and
the message is handled again with the same id (emails keep their Message-ID, so mail clients
drop the duplicate). Every message and every periodic job fails alone: its error is recorded,
and the others go on.
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

from app.clock import utcnow
from app.db.unit_of_work import run_in_transaction
from app.outbox.handlers import OutboxHandlers, PeriodicJob
from app.outbox.models import OutboxMessage, OutboxStatus

logger = logging.getLogger(__name__)

MAX_ERROR_LENGTH = 2000


@dataclass(frozen=True)
class WorkerSettings:
    """Retry and lease policy."""

    max_attempts: int = 8
    retry_base: timedelta = timedelta(seconds=30)
    retry_cap: timedelta = timedelta(hours=6)
    lease: timedelta = timedelta(minutes=2)
    batch: int = 20


class Worker:
    """Delivers outbox messages through the handlers registered for their topics."""

    def __init__(
        self,
        sessions: sessionmaker[Session],
        handlers: OutboxHandlers,
        settings: WorkerSettings | None = None,
    ) -> None:
        self.sessions, self.handlers = sessions, handlers
        self.settings = settings or WorkerSettings()
        self._last_run: dict[str, datetime] = {}

    def run_once(self, now: datetime | None = None) -> int:
        """Run the due periodic jobs, then handle due messages; returns how many were claimed."""
        now = now or utcnow()
        self.run_due_jobs(now)
        claimed = self.claim(now)
        for message_id in claimed:
            self._handle(message_id, now)
        return len(claimed)

    def run_forever(self, poll: float, should_stop: Callable[[], bool] = lambda: False) -> None:
        """Poll until stopped."""
        while not should_stop():
            if self.run_once() == 0:
                time.sleep(poll)

    def claim(self, now: datetime) -> list[uuid.UUID]:
        """Lease a batch of due messages to this worker."""
        with self.sessions() as session:
            return run_in_transaction(lambda: self._lease(session, now), session=session)

    def run_due_jobs(self, now: datetime) -> int:
        """Run each periodic job whose interval has passed; a failing job never stops the rest."""
        ran = 0
        for job in self.handlers.jobs:
            last = self._last_run.get(job.name)
            if last is not None and now - last < job.every:
                continue
            self._last_run[job.name] = now
            ran += 1
            try:
                job.run(self.sessions)
            except Exception:
                logger.exception("periodic job failed", extra={"job": job.name})
        return ran

    def run_job(self, job: PeriodicJob) -> int:
        """Run one periodic job now and return its count."""
        return job.run(self.sessions)

    def _lease(self, session: Session, now: datetime) -> list[uuid.UUID]:
        rows = session.scalars(
            select(OutboxMessage)
            .where(OutboxMessage.status == OutboxStatus.PENDING, OutboxMessage.available_at <= now)
            .order_by(OutboxMessage.available_at)
            .limit(self.settings.batch)
            .with_for_update(skip_locked=True)
        ).all()
        for row in rows:
            row.available_at = now + self.settings.lease
            row.attempts += 1
        return [row.id for row in rows]

    def _handle(self, message_id: uuid.UUID, now: datetime) -> None:
        with self.sessions() as session:
            try:
                run_in_transaction(lambda: self._deliver(session, message_id), session=session)
            except Exception as error:  # any failure is retried, then dead-lettered
                failure = error
                try:
                    run_in_transaction(
                        lambda: self._record_failure(session, message_id, failure, now),
                        session=session,
                    )
                except Exception:  # the lease expires and the message is tried again
                    logger.exception(
                        "outbox failure not recorded", extra={"message_id": str(message_id)}
                    )

    def _deliver(self, session: Session, message_id: uuid.UUID) -> None:
        message = session.get(OutboxMessage, message_id)
        if message is None or message.status is not OutboxStatus.PENDING:
            # Dropped since it was claimed (a cancellation removes its reminders, even one
            # claimed in the same batch), or finished by another worker after our lease ran out.
            return
        self.handlers.handler_for(message.topic)(message, session=session)
        message.status, message.sent_at, message.last_error = OutboxStatus.SENT, utcnow(), None

    def _record_failure(
        self, session: Session, message_id: uuid.UUID, error: Exception, now: datetime
    ) -> None:
        message = session.get(OutboxMessage, message_id)
        if message is None:
            return  # dropped meanwhile: nothing left to retry
        message.last_error = f"{type(error).__name__}: {error}"[:MAX_ERROR_LENGTH]
        context = {"message_id": str(message_id), "topic": message.topic}
        if message.attempts >= self.settings.max_attempts:
            message.status = OutboxStatus.DEAD
            logger.error("outbox message dead-lettered", extra=context)
            return
        delay = min(self.settings.retry_base * 2 ** (message.attempts - 1), self.settings.retry_cap)
        message.available_at = now + delay
        logger.warning(
            "outbox message failed; will retry", extra={**context, "attempts": message.attempts}
        )
