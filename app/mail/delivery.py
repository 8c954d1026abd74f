"""The `email` outbox topic: queue an email with the change that causes it; the worker sends it."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy import delete
from sqlalchemy.orm import Session

from app.i18n.catalogs import SOURCE_LOCALE, Catalogs
from app.i18n.messages import Body, body_payload
from app.mail.mailers import FileMailer, Mailer, SmtpMailer, SmtpSettings
from app.mail.message import build_email
from app.outbox.handlers import OutboxHandlers
from app.outbox.models import OutboxMessage, OutboxStatus
from app.outbox.queue import enqueue

EMAIL = "email"


@dataclass(frozen=True)
class MailSettings:
    """Who mail comes from and how its Message-IDs are formed."""

    sender: str
    message_id_domain: str

    def message_id(self, outbox_id: uuid.UUID) -> str:
        """The Message-ID of an email: the same on every delivery attempt."""
        return f"<{outbox_id}@{self.message_id_domain}>"


def queue_email(
    *,
    session: Session,
    to: str,
    subject: Body,
    text: Body,
    dedupe_key: str,
    locale: str = SOURCE_LOCALE,
    invite: tuple[str, str] | None = None,
    send_at: datetime | None = None,
) -> OutboxMessage:
    """Queue one email (with an optional (method, ics) invite) in the caller's unit of work.

    Subject and text may be catalog messages: the worker renders them in `locale` when it sends.
    """
    payload: dict[str, Any] = {
        "to": to,
        "subject": body_payload(subject),
        "text": body_payload(text),
        "locale": locale,
    }
    if invite is not None:
        payload["method"], payload["ics"] = invite
    return enqueue(
        session=session, topic=EMAIL, payload=payload, available_at=send_at, dedupe_key=dedupe_key
    )


def drop_queued_mail(*, session: Session, to: str) -> int:
    """Delete the emails still waiting to go to an address (an erased account's reminders)."""
    result = session.execute(
        delete(OutboxMessage)
        .where(
            OutboxMessage.topic == EMAIL,
            OutboxMessage.status == OutboxStatus.PENDING,
            OutboxMessage.payload["to"].as_string() == to,
        )
        .execution_options(synchronize_session=False)
    )
    return int(getattr(result, "rowcount", 0) or 0)


class EmailSender:
    """The handler of the `email` topic."""

    def __init__(self, mailer: Mailer, settings: MailSettings, catalogs: Catalogs) -> None:
        self.mailer, self.settings, self.catalogs = mailer, settings, catalogs

    def __call__(self, message: OutboxMessage, *, session: Session) -> None:
        """Send the queued email through the mailer, in the recipient's language."""
        translator = self.catalogs.translator(message.payload.get("locale"))
        payload = message.payload | {
            "subject": translator.text(message.payload["subject"]),
            "text": translator.text(message.payload["text"]),
        }
        self.mailer.send(
            build_email(
                payload,
                message_id=self.settings.message_id(message.id),
                sender=self.settings.sender,
            )
        )


def mailer_from(config: dict[str, Any]) -> Mailer:
    """SMTP when SMTP_HOST is set, otherwise .eml files under instance/mail."""
    if config["SMTP_HOST"]:
        return SmtpMailer(
            SmtpSettings(
                host=config["SMTP_HOST"],
                port=config["SMTP_PORT"],
                security=config["SMTP_SECURITY"],
                username=config["SMTP_USERNAME"],
                password=config["SMTP_PASSWORD"],
                timeout=config["SMTP_TIMEOUT_SECONDS"],
            )
        )
    return FileMailer(Path(config["INSTANCE_PATH"]) / "mail")


def register(
    handlers: OutboxHandlers,
    config: dict[str, Any],
    *,
    mailer: Mailer | None,
    catalogs: Catalogs,
) -> None:
    """Send the `email` topic through the configured mailer (or the one given, in tests)."""
    settings = MailSettings(
        sender=config["MAIL_FROM"], message_id_domain=config["MAIL_MESSAGE_ID_DOMAIN"]
    )
    handlers.register(EMAIL, EmailSender(mailer or mailer_from(config), settings, catalogs))
