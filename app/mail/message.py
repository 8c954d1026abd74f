"""Email as MIME: plain text, or text with a calendar invite (text/calendar and an .ics file)."""

from __future__ import annotations

from email.message import EmailMessage
from email.utils import format_datetime
from typing import Any

from app.clock import utcnow


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
