"""`flask worker --once` survives bad input: one message or one calendar fails alone.

Each test runs the real command (click's runner on an app whose mail goes to .eml files under
the test's instance folder) on a batch that mixes a bad message or calendar with good mail.
"""

from __future__ import annotations

import uuid
from datetime import timedelta
from email import message_from_bytes
from email.message import Message
from email.policy import default
from pathlib import Path

import pytest
from flask import Flask
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.clock import utcnow
from app.identity.models import Role
from app.mail.delivery import queue_email
from app.outbox.models import OutboxMessage, OutboxStatus
from app.outbox.queue import enqueue
from matching.intake.alerts import CRISIS_INTAKE
from scheduling.appointments.events import appointment_changed
from scheduling.appointments.models import AppointmentStatus
from scheduling.calendars.models import ExternalCalendar, ExternalSource
from tests.factories import make_client, make_clinic, make_therapist, make_user
from tests.scheduling_factories import future_hour, make_session_type, past_appointment


def run_worker_once(app: Flask) -> str:
    """`flask worker --once`; fails the test unless the command exits 0."""
    result = app.test_cli_runner().invoke(args=["worker", "--once"])
    assert result.exit_code == 0, (result.output, result.exception)
    return result.output


def mail_in(instance: Path) -> list[Message]:
    return [
        message_from_bytes(path.read_bytes(), policy=default)
        for path in sorted((instance / "mail").glob("*.eml"))
    ]


def good_email(session: Session, number: int, *, minutes_ago: int = 0) -> OutboxMessage:
    return queue_email(
        session=session,
        to=f"good{number}@example.org",
        subject="A neutral message",
        text="Hello.",
        dedupe_key=f"test-good:{number}:{uuid.uuid4()}",
        send_at=utcnow() - timedelta(minutes=minutes_ago),
    )


@pytest.fixture
def booked(session, security):
    therapist = make_therapist(session, security, make_clinic(session))
    patient = make_client(session, security)
    session_type = make_session_type(session, therapist)
    appointment = past_appointment(
        session, therapist, patient, session_type, starts_at=future_hour(days=2)
    )
    return therapist, patient, appointment


def test_a_batch_with_vanished_and_cancelled_appointments_is_handled_to_the_end(
    make_app, session, booked, tmp_path
):
    therapist, patient, appointment = booked
    app = make_app()
    first = good_email(session, 1, minutes_ago=5)
    # an event about an appointment that no longer exists
    vanished = enqueue(
        session=session,
        topic="appointment.changed",
        available_at=utcnow() - timedelta(minutes=4),
        payload={
            "appointment_id": str(uuid.uuid4()),
            "change": "cancelled",
            "sequence": 1,
            "starts_at": appointment.starts_at.isoformat(),
            "ends_at": appointment.ends_at.isoformat(),
            "occurred_at": utcnow().isoformat(),
        },
    )
    # the appointment is cancelled while its reminder is already claimed in the same batch:
    # handling the cancellation drops the reminder before the worker reaches it
    appointment.status = AppointmentStatus.CANCELLED
    appointment_changed(appointment, "cancelled", session=session)
    cancelled = session.scalars(
        select(OutboxMessage)
        .where(OutboxMessage.topic == "appointment.changed")
        .where(OutboxMessage.id != vanished.id)
    ).one()
    cancelled.available_at = utcnow() - timedelta(minutes=3)
    reminder = queue_email(
        session=session,
        to=patient.user.email,
        subject="Reminder: appointment tomorrow",
        text="A reminder.",
        dedupe_key=f"reminder:{appointment.id}:{patient.user_id}:0:1440",
        send_at=utcnow() - timedelta(minutes=2),
    )
    last = good_email(session, 2)
    session.commit()
    reminder_id = reminder.id

    assert run_worker_once(app) == "handled 5 messages\n"
    session.expire_all()
    assert session.get(OutboxMessage, reminder_id) is None  # dropped as done, never sent
    for message in (first, vanished, cancelled, last):
        session.refresh(message)
        assert message.status is OutboxStatus.SENT, (message.topic, message.last_error)
    run_worker_once(app)  # the cancellation invites the event fanned out into
    sent = mail_in(tmp_path)
    assert {m["To"] for m in sent} == {
        "good1@example.org",
        "good2@example.org",
        patient.user.email,
        therapist.user.email,
    }
    assert not [m for m in sent if m["Subject"].startswith("Reminder")]
    assert not session.scalars(
        select(OutboxMessage).where(OutboxMessage.status == OutboxStatus.PENDING)
    ).all()


def test_a_failing_message_is_retried_alone_while_the_rest_go(make_app, session, tmp_path):
    app = make_app()
    good_email(session, 1, minutes_ago=2)
    broken = enqueue(session=session, topic="appointment.changed", payload={"nonsense": True})
    good_email(session, 2)
    session.commit()
    assert run_worker_once(app) == "handled 3 messages\n"
    session.refresh(broken)
    assert broken.status is OutboxStatus.PENDING
    assert broken.attempts == 1
    assert "KeyError" in (broken.last_error or "")
    assert broken.available_at > utcnow() + timedelta(seconds=20)  # backed off, not leased
    assert {m["To"] for m in mail_in(tmp_path)} == {"good1@example.org", "good2@example.org"}


@pytest.mark.parametrize(
    "bad_url",
    [
        "http://127.0.0.1:99999/x.ics",
        "http://[::1/x.ics",
        "http://user:secret@example.org/x.ics",
        "ftp://example.org/x.ics",
        "http://exa mple.org/x.ics",
    ],
)
def test_a_stored_bad_calendar_url_never_stops_email_or_crisis_alerts(
    make_app, session, security, tmp_path, bad_url
):
    clinic = make_clinic(session)
    therapist = make_therapist(session, security, clinic)
    admin = make_user(session, security, Role.ADMIN, clinic=clinic)
    # stored before registration validated URLs (or written by hand): the worker must cope
    calendar = ExternalCalendar(
        therapist_id=therapist.id, source=ExternalSource.URL, url=bad_url, created_at=utcnow()
    )
    session.add(calendar)
    good_email(session, 1)
    enqueue(
        session=session,
        topic=CRISIS_INTAKE,
        payload={
            "intake_id": str(uuid.uuid4()),
            "jurisdiction": "US-CA",
            "clinic_ids": [str(clinic.id)],
            "urgency": "urgent",
        },
    )
    session.commit()
    app = make_app()
    run_worker_once(app)
    run_worker_once(app)  # the alert's email, fanned out by the first run
    assert {m["To"] for m in mail_in(tmp_path)} == {"good1@example.org", admin.email}
    session.refresh(calendar)
    assert calendar.last_attempt_at is not None
    assert calendar.last_error
    assert "ValueError" not in calendar.last_error  # a stated reason, not a crash's name
