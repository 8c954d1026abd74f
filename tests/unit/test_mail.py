"""Building emails, and the development mailer that writes .eml files."""

from __future__ import annotations

from email import message_from_bytes
from email.policy import default

from app.mail.mailers import FileMailer
from app.mail.message import build_email


def test_file_mailer_writes_one_file_per_message_id(tmp_path):
    mailer = FileMailer(tmp_path / "mail")
    message = build_email(
        {"to": "river@example.org", "subject": "Hello", "text": "Hi."},
        message_id="<abc@appointments.local>",
        sender="care@example.org",
    )
    mailer.send(message)
    mailer.send(message)  # a resend lands in the same file
    files = list((tmp_path / "mail").iterdir())
    assert [f.name for f in files] == ["abc_at_appointments.local.eml"]
    parsed = message_from_bytes(files[0].read_bytes(), policy=default)
    assert parsed["Message-ID"] == "<abc@appointments.local>"
    assert parsed["Auto-Submitted"] == "auto-generated"
    assert parsed.get_content().strip() == "Hi."
