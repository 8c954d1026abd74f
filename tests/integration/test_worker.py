"""The outbox worker: at-least-once delivery, stable Message-IDs, backoff, dead letters, races."""

from __future__ import annotations

import threading
from collections import Counter
from datetime import timedelta

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from app.clock import utcnow
from app.i18n.catalogs import Catalogs
from app.mail.delivery import EMAIL, EmailSender, MailSettings
from app.outbox.handlers import OutboxHandlers
from app.outbox.models import OutboxMessage, OutboxStatus
from app.outbox.queue import enqueue
from app.outbox.worker import Worker, WorkerSettings
from tests.delivery_helpers import RecordingMailer

MAIL = MailSettings(sender="care@example.org", message_id_domain="appointments.local")


def email(session: Session, number: int) -> OutboxMessage:
    return enqueue(
        session=session,
        topic="email",
        dedupe_key=f"test:{number}",
        payload={
            "to": f"person{number}@example.org",
            "subject": "Hello",
            "text": "A neutral message.",
        },
    )


def make_worker(sessions, mailer, **settings) -> Worker:
    handlers = OutboxHandlers()
    handlers.register(EMAIL, EmailSender(mailer, MAIL, Catalogs()))
    return Worker(sessions, handlers, WorkerSettings(**settings))


class CrashAfterSending(RecordingMailer):
    """Sends, then dies like a killed process (not an ordinary exception)."""

    def send(self, message) -> None:
        super().send(message)
        raise SystemExit("worker killed after sending")


class AlwaysFailing:
    def send(self, message) -> None:
        raise ConnectionRefusedError("SMTP server unreachable")


def test_a_rolled_back_change_leaves_no_message(session):
    before = session.scalar(select(func.count()).select_from(OutboxMessage))
    email(session, 1)
    session.rollback()
    assert session.scalar(select(func.count()).select_from(OutboxMessage)) == before


def test_delivers_and_marks_sent(session_factory, session):
    email(session, 1)
    session.commit()
    mailer = RecordingMailer()
    assert make_worker(session_factory, mailer).run_once() == 1
    row = session.scalars(select(OutboxMessage)).one()
    session.refresh(row)
    assert row.status is OutboxStatus.SENT
    assert mailer.sent[0]["Message-ID"] == f"<{row.id}@appointments.local>"


def test_a_crash_after_sending_resends_with_the_same_message_id(session_factory, session):
    email(session, 1)
    session.commit()
    crashing = CrashAfterSending()
    with pytest.raises(SystemExit):
        make_worker(session_factory, crashing).run_once()
    again = RecordingMailer()
    worker = make_worker(session_factory, again)
    assert worker.run_once() == 0  # still leased to the dead worker
    assert worker.run_once(now=utcnow() + timedelta(minutes=3)) == 1
    assert again.sent[0]["Message-ID"] == crashing.sent[0]["Message-ID"]


def test_failures_back_off_then_dead_letter(session_factory, session):
    message = email(session, 1)
    session.commit()
    worker = make_worker(
        session_factory, AlwaysFailing(), max_attempts=3, retry_base=timedelta(seconds=30)
    )
    now = utcnow()
    delays = []
    for _ in range(3):
        assert worker.run_once(now=now) == 1
        session.refresh(message)
        delays.append(message.available_at - now)
        now = message.available_at + timedelta(seconds=1)
    assert message.status is OutboxStatus.DEAD
    assert message.attempts == 3
    assert "SMTP server unreachable" in message.last_error
    assert timedelta(seconds=25) < delays[0] < timedelta(seconds=35)
    assert timedelta(seconds=55) < delays[1] < timedelta(seconds=65)
    assert worker.run_once(now=now + timedelta(days=1)) == 0


def test_delayed_messages_wait_until_due(session_factory, session):
    enqueue(
        session=session,
        topic="email",
        available_at=utcnow() + timedelta(hours=1),
        payload={"to": "a@example.org", "subject": "Later", "text": "Later."},
    )
    session.commit()
    worker = make_worker(session_factory, RecordingMailer())
    assert worker.run_once() == 0
    assert worker.run_once(now=utcnow() + timedelta(hours=1, seconds=1)) == 1


def test_two_workers_deliver_each_message_exactly_once(committed, engine):
    for number in range(40):
        email(committed, number)
    committed.commit()
    sessions = sessionmaker(bind=engine, expire_on_commit=False)
    mailers = [RecordingMailer(), RecordingMailer()]
    workers = [make_worker(sessions, m, batch=3) for m in mailers]
    barrier = threading.Barrier(2)
    errors: list[BaseException] = []

    def run(worker: Worker) -> None:
        barrier.wait()
        try:
            while worker.run_once():
                pass
        except BaseException as exc:  # surfaced below
            errors.append(exc)

    threads = [threading.Thread(target=run, args=(w,)) for w in workers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == []
    delivered = Counter(m["To"] for mailer in mailers for m in mailer.sent)
    assert len(delivered) == 40
    assert set(delivered.values()) == {1}
