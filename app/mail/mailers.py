"""Mailers: the protocol, SMTP for production, .eml files for development."""

from __future__ import annotations

import smtplib
import ssl
from dataclasses import dataclass
from email.message import EmailMessage
from pathlib import Path
from typing import Protocol


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
