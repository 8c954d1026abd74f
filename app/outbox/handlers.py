"""Which handler delivers each outbox topic, and which periodic jobs the worker runs.

The worker knows no topic: each package registers the handlers of its own topics, and its
periodic jobs, when the app is created (see each package's `wiring.register`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Protocol

from sqlalchemy.orm import Session, sessionmaker

from app.adapters import AdapterKey
from app.outbox.models import OutboxMessage


class Handler(Protocol):
    """Delivers one message inside the worker's unit of work; raising means retry it later."""

    def __call__(self, message: OutboxMessage, *, session: Session) -> None: ...


@dataclass(frozen=True)
class PeriodicJob:
    """Work the worker runs every so often; it owns its transactions and returns a count."""

    name: str
    every: timedelta
    run: Callable[[sessionmaker[Session]], int]


class UnknownTopic(LookupError):
    """No package registered a handler for the message's topic."""


class OutboxHandlers:
    """The registry of topic handlers and periodic jobs of one app."""

    def __init__(self) -> None:
        self._handlers: dict[str, Handler] = {}
        self._jobs: dict[str, PeriodicJob] = {}

    def register(self, topic: str, handler: Handler) -> None:
        """Deliver messages of `topic` with `handler`; a topic has exactly one handler."""
        if topic in self._handlers:
            raise ValueError(f"a handler for {topic!r} is already registered")
        self._handlers[topic] = handler

    def handler_for(self, topic: str) -> Handler:
        """The handler of a topic; UnknownTopic when none was registered."""
        try:
            return self._handlers[topic]
        except KeyError:
            raise UnknownTopic(f"no handler is registered for topic {topic!r}") from None

    def add_job(self, job: PeriodicJob) -> None:
        """Run `job` from the worker loop at most once per `job.every`."""
        if job.name in self._jobs:
            raise ValueError(f"a periodic job named {job.name!r} is already registered")
        self._jobs[job.name] = job

    @property
    def topics(self) -> frozenset[str]:
        """Every registered topic."""
        return frozenset(self._handlers)

    @property
    def jobs(self) -> tuple[PeriodicJob, ...]:
        """Every registered periodic job."""
        return tuple(self._jobs.values())


OUTBOX_HANDLERS: AdapterKey[OutboxHandlers] = AdapterKey("outbox handlers")
