"""Email: building MIME messages with invites, and the mailers that send them."""

from __future__ import annotations

import smtplib
import ssl
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import format_datetime
from pathlib import Path
from typing import Any, Protocol

from app.db import utcnow


def build_email(payload: dict[str, Any], *, message_id: str, sender: str) -> EmailMessage:
    """A text email, or multipart/alternative with text/calendar (method=...) and an .ics file."""
    message = EmailMessage()
    message["From"] = sender
    message["To"] = payload["to"]
    message["Subject"] = payload["subject"]
    message["Message-ID"] = message_id
    message["Date"] = format_datetime(utcnow())
    message["Auto-Submitted"] = "auto-generated"
    message.set_content(payload["text"])
    ics = payload.get("ics")
    if ics:
        method = payload["method"]
        message.add_alternative(
            ics.encode(),
            maintype="text",
            subtype="calendar",
            params={"method": method, "charset": "utf-8"},
        )
        message.add_attachment(
            ics.encode(),
            maintype="application",
            subtype="ics",
            filename="invite.ics",
            params={"method": method},
        )
    return message


class Mailer(Protocol):
    """Sends one message; raises on failure so the outbox retries."""

    def send(self, message: EmailMessage) -> None: ...


@dataclass(frozen=True)
class SmtpSettings:
    """How to reach the SMTP server."""

    host: str
    port: int
    security: str = "starttls"  # starttls | tls | none
    username: str | None = None
    password: str | None = None
    timeout: float = 20


class SmtpMailer:
    """Delivers through an SMTP server (STARTTLS or implicit TLS, optional login)."""

    def __init__(self, settings: SmtpSettings) -> None:
        if settings.security not in {"starttls", "tls", "none"}:
            raise ValueError("SMTP security must be starttls, tls or none")
        self.settings = settings

    def send(self, message: EmailMessage) -> None:
        """Open a connection, send, close."""
        s = self.settings
        context = ssl.create_default_context()
        if s.security == "tls":
            client: smtplib.SMTP = smtplib.SMTP_SSL(
                s.host, s.port, timeout=s.timeout, context=context
            )
        else:
            client = smtplib.SMTP(s.host, s.port, timeout=s.timeout)
        with client:
            if s.security == "starttls":
                client.starttls(context=context)
            if s.username:
                client.login(s.username, s.password or "")
            client.send_message(message)


class FileMailer:
    """Development default: writes each message as an .eml file under a folder."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder

    def send(self, message: EmailMessage) -> None:
        """Write the message to <folder>/<message id>.eml (same id, same file)."""
        self.folder.mkdir(parents=True, exist_ok=True)
        name = message["Message-ID"].strip("<>").replace("@", "_at_").replace("/", "_")
        (self.folder / f"{name}.eml").write_bytes(bytes(message))
