"""Email through a real SMTP server on loopback (aiosmtpd), parsed as a mail client would."""

from __future__ import annotations

import smtplib
from collections.abc import Iterator
from email import message_from_bytes
from email.policy import default

import icalendar
import pytest
from aiosmtpd.smtp import AuthResult, LoginPassword

from app.clock import utcnow
from app.mail.mailers import SmtpMailer, SmtpSettings
from app.mail.message import build_email
from scheduling.calendars.ics import Invite, invite_ics
from tests.smtp_helpers import Inbox, smtp_inbox


def authenticator(server, session, envelope, mechanism, auth_data):
    ok = isinstance(auth_data, LoginPassword) and (auth_data.login, auth_data.password) == (
        b"mailer",
        b"s3cret-pass",
    )
    return AuthResult(success=ok)


@pytest.fixture
def smtp_server() -> Iterator[tuple[Inbox, int]]:
    with smtp_inbox(authenticator=authenticator, auth_require_tls=False) as server:
        yield server


def invite_payload(method: str) -> dict:
    start = utcnow().replace(microsecond=0)
    ics = invite_ics(
        Invite(
            uid="abc@appointments",
            sequence=2,
            method=method,
            starts_at=start,
            ends_at=start.replace(hour=(start.hour + 1) % 24)
            if start.hour < 23
            else start.replace(minute=59),
            organizer_name="Calm Harbor",
            organizer_email="care@example.org",
            recipient_name="River",
            recipient_email="river@example.org",
            join_page_url="https://app.example/appointments/1",
            dtstamp=start,
        )
    )
    return {
        "to": "river@example.org",
        "subject": "Appointment confirmed",
        "method": method,
        "text": "Your appointment is confirmed.",
        "ics": ics.decode(),
    }


@pytest.mark.parametrize("method", ["REQUEST", "CANCEL"])
def test_invite_email_arrives_with_matching_methods(smtp_server, method):
    inbox, port = smtp_server
    mailer = SmtpMailer(
        SmtpSettings(
            host="127.0.0.1", port=port, security="none", username="mailer", password="s3cret-pass"
        )
    )
    mailer.send(
        build_email(
            invite_payload(method), message_id="<m1@appointments.local>", sender="care@example.org"
        )
    )
    assert len(inbox.envelopes) == 1
    envelope = inbox.envelopes[0]
    assert envelope.rcpt_tos == ["river@example.org"]
    message = message_from_bytes(envelope.content, policy=default)
    assert message["Message-ID"] == "<m1@appointments.local>"
    assert message.get_content_type() == "multipart/mixed"
    alternative = next(p for p in message.walk() if p.get_content_type() == "multipart/alternative")
    kinds = [p.get_content_type() for p in alternative.iter_parts()]
    assert kinds == ["text/plain", "text/calendar"]
    calendar_part = alternative.get_payload()[1]
    assert calendar_part.get_param("method") == method
    calendar = icalendar.Calendar.from_ical(calendar_part.get_content())
    assert str(calendar["METHOD"]) == method
    attachment = next(p for p in message.iter_attachments())
    assert attachment.get_filename() == "invite.ics"
    assert icalendar.Calendar.from_ical(attachment.get_content())["METHOD"] == method


def test_wrong_smtp_login_raises_so_the_outbox_retries(smtp_server):
    _, port = smtp_server
    mailer = SmtpMailer(
        SmtpSettings(
            host="127.0.0.1",
            port=port,
            security="none",
            username="mailer",
            password="wrong",
            timeout=3,
        )
    )
    with pytest.raises(smtplib.SMTPException):
        mailer.send(
            build_email(
                invite_payload("REQUEST"),
                message_id="<m2@appointments.local>",
                sender="care@example.org",
            )
        )


def test_plain_reminder_has_no_calendar_part(smtp_server):
    inbox, port = smtp_server
    mailer = SmtpMailer(SmtpSettings(host="127.0.0.1", port=port, security="none"))
    mailer.send(
        build_email(
            {"to": "river@example.org", "subject": "Reminder", "text": "See you soon."},
            message_id="<m3@appointments.local>",
            sender="care@example.org",
        )
    )
    message = message_from_bytes(inbox.envelopes[0].content, policy=default)
    assert message.get_content_type() == "text/plain"
