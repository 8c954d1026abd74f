"""Helpers for delivery tests: a recording mailer and a worker bound to the test's data."""

from __future__ import annotations

from email import message_from_bytes
from email.message import EmailMessage, Message
from email.policy import default
from typing import Any

import icalendar
from flask import Flask
from sqlalchemy.orm import Session, sessionmaker

from app.factory import wire
from app.i18n.catalogs import Catalogs
from app.outbox.handlers import OUTBOX_HANDLERS
from app.outbox.worker import Worker


class RecordingMailer:
    """Keeps every sent message, as bytes parsed back like a mail client would."""

    def __init__(self) -> None:
        self.sent: list[Message] = []

    def send(self, message: EmailMessage) -> None:
        self.sent.append(message_from_bytes(bytes(message), policy=default))

    def to(self, address: str) -> list[Message]:
        return [m for m in self.sent if m["To"] == address]


def worker_for(app: Flask, sessions: sessionmaker[Session], mailer: RecordingMailer) -> Worker:
    return Worker(sessions, wire(app.config, mailer=mailer).get(OUTBOX_HANDLERS))


def drain(worker: Worker, rounds: int = 5) -> None:
    """Run the worker until nothing is due (events fan out into emails, then those go)."""
    for _ in range(rounds):
        if worker.run_once() == 0:
            return


def calendar_part(message: Message) -> tuple[str, icalendar.Calendar]:
    """The text/calendar alternative: its method parameter and the parsed calendar."""
    for part in message.walk():
        if part.get_content_type() == "text/calendar":
            return part.get_param("method"), icalendar.Calendar.from_ical(part.get_content())
    raise AssertionError("no text/calendar part")


def rendered(payload: dict[str, Any]) -> dict[str, Any]:
    """A queued email's subject and text as the worker sends them, in the recipient's language."""
    translator = Catalogs().translator(payload.get("locale"))
    return payload | {
        "subject": translator.text(payload["subject"]),
        "text": translator.text(payload["text"]),
    }
