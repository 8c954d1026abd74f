"""Invites by email through the outbox: UID, SEQUENCE, METHOD, privacy, reminders."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from app.clock import utcnow
from app.outbox.models import OutboxMessage, OutboxStatus
from scheduling.calendars.ics import find_banned_words
from tests.delivery_helpers import RecordingMailer, calendar_part, drain, worker_for
from tests.factories import auth_headers, make_client, make_clinic, make_therapist
from tests.scheduling_factories import future_hour, iso, make_session_type, open_hours


@pytest.fixture
def world(client, session, security):
    clinic = make_clinic(session, name="Calm Harbor Counseling")
    clinic.calendar_name = "Calm Harbor"
    therapist = make_therapist(
        session,
        security,
        clinic,
        display_name="Dr. Rivera",
        specialties=["trauma"],
        modalities=["emdr"],
    )
    open_hours(session, therapist, start_hour=0, end_hour=24)
    session_type = make_session_type(session, therapist)
    patient = make_client(session, security, display_name="River")
    return therapist, session_type, patient, auth_headers(client, patient.user)


@pytest.fixture
def mailer():
    return RecordingMailer()


@pytest.fixture
def worker(app, session_factory, mailer):
    return worker_for(app, session_factory, mailer)


def book(client, headers, therapist, session_type, start):
    response = client.post(
        "/api/v1/appointments",
        headers=headers,
        json={
            "therapist_id": str(therapist.id),
            "session_type_id": str(session_type.id),
            "start": iso(start),
        },
    )
    assert response.status_code == 201, response.get_json()
    return response.get_json()


def invites_to(mailer, address):
    return [m for m in mailer.to(address) if m["Subject"].startswith("Appointment")]


def test_book_reschedule_reschedule_cancel(client, world, worker, mailer):
    therapist, session_type, patient, headers = world
    booked = book(client, headers, therapist, session_type, future_hour(days=3))
    drain(worker)
    for days in (4, 5):
        moved = client.post(
            f"/api/v1/appointments/{booked['id']}/reschedule",
            headers=headers,
            json={"start": iso(future_hour(days=days))},
        )
        assert moved.status_code == 200
        drain(worker)
    client.post(f"/api/v1/appointments/{booked['id']}/cancel", headers=headers, json={})
    drain(worker)

    for address in (patient.user.email, therapist.user.email):
        messages = invites_to(mailer, address)
        assert len(messages) == 4
        uids, sequences, methods = set(), [], []
        for message in messages:
            mime_method, calendar = calendar_part(message)
            event = calendar.walk("VEVENT")[0]
            assert mime_method == str(calendar["METHOD"])
            uids.add(str(event["UID"]))
            sequences.append(int(event["SEQUENCE"]))
            methods.append(mime_method)
            attendees = event.get("ATTENDEE")
            assert not isinstance(attendees, list)  # exactly one attendee: the recipient
            assert address in str(attendees)
            # the recipient's own address is theirs to have; everything else must be neutral
            ics = calendar_part(message)[1].to_ical().decode().replace(address, "")
            assert find_banned_words(ics.encode()) == []
            text = message.as_string().lower().replace(address, "")
            assert "trauma" not in text
            assert "emdr" not in text
            assert "therap" not in text
        assert len(uids) == 1
        assert sequences == sorted(set(sequences))
        assert len(sequences) == 4
        assert methods == ["REQUEST", "REQUEST", "REQUEST", "CANCEL"]
        final = calendar_part(messages[-1])[1].walk("VEVENT")[0]
        assert str(final["STATUS"]) == "CANCELLED"


def test_every_message_has_a_stable_unique_message_id(client, world, worker, mailer):
    therapist, session_type, _, headers = world
    book(client, headers, therapist, session_type, future_hour(days=3))
    drain(worker)
    ids = [m["Message-ID"] for m in mailer.sent]
    assert len(ids) == len(set(ids)) >= 2


def reminders(session, address):
    rows = session.scalars(
        select(OutboxMessage).where(
            OutboxMessage.dedupe_key.startswith("reminder:"),
            OutboxMessage.status == OutboxStatus.PENDING,
        )
    ).all()
    return sorted(r.available_at for r in rows if r.payload["to"] == address)


def test_reminders_are_created_moved_and_dropped(client, session, world, worker):
    therapist, session_type, patient, headers = world
    start = future_hour(days=3)
    booked = book(client, headers, therapist, session_type, start)
    drain(worker)
    assert reminders(session, patient.user.email) == [
        start - timedelta(hours=24),
        start - timedelta(hours=1),
    ]
    later = future_hour(days=5)
    client.post(
        f"/api/v1/appointments/{booked['id']}/reschedule",
        headers=headers,
        json={"start": iso(later)},
    )
    drain(worker)
    assert reminders(session, patient.user.email) == [
        later - timedelta(hours=24),
        later - timedelta(hours=1),
    ]
    client.post(f"/api/v1/appointments/{booked['id']}/cancel", headers=headers, json={})
    drain(worker)
    assert reminders(session, patient.user.email) == []


def test_a_booking_three_hours_ahead_gets_no_day_before_reminder(client, session, world, worker):
    therapist, session_type, patient, headers = world
    start = (utcnow() + timedelta(hours=3)).replace(minute=0, second=0, microsecond=0)
    book(client, headers, therapist, session_type, start)
    drain(worker)
    assert reminders(session, patient.user.email) == [start - timedelta(hours=1)]


def test_reminders_are_sent_when_due(client, session, world, worker, mailer):
    therapist, session_type, patient, headers = world
    start = future_hour(days=3)
    book(client, headers, therapist, session_type, start)
    drain(worker)
    worker.run_once(now=start - timedelta(minutes=59))
    subjects = [m["Subject"] for m in mailer.to(patient.user.email)]
    assert sum(s.startswith("Reminder") for s in subjects) == 2


def test_a_cancellation_drops_queued_reminders_before_the_worker_runs(
    client, session, world, worker, mailer
):
    therapist, session_type, patient, headers = world
    start = future_hour(days=3)
    booked = book(client, headers, therapist, session_type, start)
    drain(worker)
    assert len(reminders(session, patient.user.email)) == 2
    response = client.post(f"/api/v1/appointments/{booked['id']}/cancel", headers=headers, json={})
    assert response.status_code == 200
    # Dropped in the cancellation's own transaction: a worker that reaches a due reminder before
    # the cancellation event can no longer send it.
    assert reminders(session, patient.user.email) == []
    assert reminders(session, therapist.user.email) == []
    worker.run_once(now=start - timedelta(minutes=30))
    assert not [m for m in mailer.to(patient.user.email) if m["Subject"].startswith("Reminder")]
