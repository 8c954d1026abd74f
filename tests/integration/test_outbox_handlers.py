"""The outbox handler registry: each package registers its topics; the worker knows none.

Messages go through the real worker on the test's database; the handlers here are small
recorders registered the way packages register theirs.
"""

from __future__ import annotations

import ast
import inspect
import uuid
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy.orm import Session

import app.outbox.worker as worker_module
from app.clock import utcnow
from app.outbox.handlers import OUTBOX_HANDLERS, OutboxHandlers, PeriodicJob
from app.outbox.models import OutboxMessage, OutboxStatus
from app.outbox.queue import enqueue
from app.outbox.worker import Worker, WorkerSettings
from app.web.extensions import app_adapters

APP_TOPICS = {
    "email",
    "webhooks.deliver",
    "appointment.changed",
    "alert.crisis_intake",
    "account.erased",
    "appointment.status_changed",
    "billing.charge",
    "billing.capture",
    "billing.release",
    "billing.refund",
    "billing.provider_event",
    "billing.forget_customer",
}
APP_JOBS = {
    "external-calendars",
    "billing-lapsed-holds",
    "billing-unmarked-sessions",
    "crisis-escalation",
}
PING = "test.ping"
UNKNOWN = "nobody.listens"


class Recorder:
    """A handler that keeps what it was given."""

    def __init__(self) -> None:
        self.received: list[tuple[uuid.UUID, str, dict[str, Any]]] = []

    def __call__(self, message: OutboxMessage, *, session: Session) -> None:
        self.received.append((message.id, message.topic, dict(message.payload)))


def pinging() -> tuple[OutboxHandlers, Recorder]:
    handlers, recorder = OutboxHandlers(), Recorder()
    handlers.register(PING, recorder)
    return handlers, recorder


def queued(session: Session, topic: str, payload: dict[str, Any], **fields: Any) -> OutboxMessage:
    message = enqueue(session=session, topic=topic, payload=payload, **fields)
    session.commit()
    return message


def status_of(session: Session, message: OutboxMessage) -> OutboxMessage:
    session.refresh(message)
    return message


def test_the_app_registers_exactly_its_packages_topics_and_jobs(app_instance):
    handlers = app_adapters(app_instance).get(OUTBOX_HANDLERS)
    assert handlers.topics == APP_TOPICS
    assert {job.name for job in handlers.jobs} == APP_JOBS


def test_a_handler_registered_for_a_new_topic_receives_its_message(session, session_factory):
    handlers, recorder = pinging()
    message = queued(session, PING, {"hello": "world", "n": 7})
    assert Worker(session_factory, handlers).run_once() == 1
    assert recorder.received == [(message.id, PING, {"hello": "world", "n": 7})]
    delivered = status_of(session, message)
    assert delivered.status is OutboxStatus.SENT
    assert delivered.sent_at is not None
    assert delivered.last_error is None


def test_an_unknown_topic_is_retried_then_dead_lettered_and_the_batch_goes_on(
    session, session_factory
):
    handlers, recorder = pinging()
    now = utcnow()
    bad = queued(session, UNKNOWN, {"x": 1}, available_at=now - timedelta(minutes=2))
    good = queued(session, PING, {"x": 2}, available_at=now - timedelta(minutes=1))
    worker = Worker(
        session_factory, handlers, WorkerSettings(max_attempts=2, retry_base=timedelta(seconds=30))
    )

    assert worker.run_once(now=now) == 2  # the bad message comes first in the batch
    assert recorder.received == [(good.id, PING, {"x": 2})]
    assert status_of(session, good).status is OutboxStatus.SENT
    failed = status_of(session, bad)
    assert (failed.status, failed.attempts) == (OutboxStatus.PENDING, 1)
    assert failed.last_error.startswith("UnknownTopic")
    assert UNKNOWN in failed.last_error

    assert worker.run_once(now=now + timedelta(minutes=1)) == 1
    dead = status_of(session, bad)
    assert (dead.status, dead.attempts) == (OutboxStatus.DEAD, 2)
    assert UNKNOWN in dead.last_error
    assert worker.run_once(now=now + timedelta(days=1)) == 0


def test_a_failing_periodic_job_never_stops_delivery_or_other_jobs(session, session_factory):
    handlers, recorder = pinging()
    ran: list[str] = []

    def explode(_sessions) -> int:
        ran.append("explode")
        raise RuntimeError("the job broke")

    def count(_sessions) -> int:
        ran.append("count")
        return 0

    handlers.add_job(PeriodicJob("explodes", every=timedelta(minutes=1), run=explode))
    handlers.add_job(PeriodicJob("counts", every=timedelta(minutes=1), run=count))
    message = queued(session, PING, {"x": 3})
    assert Worker(session_factory, handlers).run_once() == 1
    assert ran == ["explode", "count"]
    assert recorder.received == [(message.id, PING, {"x": 3})]
    assert status_of(session, message).status is OutboxStatus.SENT


def test_a_topic_has_exactly_one_handler():
    handlers, _ = pinging()
    with pytest.raises(ValueError, match="already registered"):
        handlers.register(PING, Recorder())


def test_a_periodic_job_name_is_registered_once():
    handlers = OutboxHandlers()
    job = PeriodicJob("once", every=timedelta(minutes=1), run=lambda _sessions: 0)
    handlers.add_job(job)
    with pytest.raises(ValueError, match="already registered"):
        handlers.add_job(job)


def _worker_tree() -> ast.Module:
    return ast.parse(inspect.getsource(worker_module))


def _is_docstring(node: ast.AST, parents: dict[ast.AST, ast.AST]) -> bool:
    statement = parents.get(node)
    owner = parents.get(statement) if isinstance(statement, ast.Expr) else None
    body = getattr(owner, "body", None)
    return bool(body) and body[0] is statement


def test_the_worker_source_names_no_topic(app_instance):
    tree = _worker_tree()
    parents = {child: node for node in ast.walk(tree) for child in ast.iter_child_nodes(node)}
    strings = [
        node.value
        for node in ast.walk(tree)
        if isinstance(node, ast.Constant)
        and isinstance(node.value, str)
        and not _is_docstring(node, parents)
    ]
    topics = app_adapters(app_instance).get(OUTBOX_HANDLERS).topics
    assert topics == APP_TOPICS
    for topic in topics:
        assert not [s for s in strings if topic in s], topic


def test_the_worker_imports_nothing_from_the_packages_that_own_topics():
    tree = _worker_tree()
    imported = {a.name for n in ast.walk(tree) if isinstance(n, ast.Import) for a in n.names}
    imported |= {n.module or "" for n in ast.walk(tree) if isinstance(n, ast.ImportFrom)}
    assert "app.outbox.handlers" in imported  # the walk sees the imports
    owners = ("scheduling", "matching", "billing", "app.mail")
    assert sorted(m for m in imported for o in owners if m == o or m.startswith(f"{o}.")) == []
