"""Erasing a client account (DELETE /me) ends what it set in motion: appointments, seats, mail."""

from __future__ import annotations

import uuid

import pytest
from sqlalchemy import select

from app.directory.models import ClientProfile
from app.outbox.models import OutboxMessage, OutboxStatus
from scheduling.appointments.models import (
    Appointment,
    AppointmentStatus,
    EnrollmentStatus,
    GroupEnrollment,
)
from tests.delivery_helpers import RecordingMailer, calendar_part, drain, worker_for
from tests.factories import auth_headers, make_client, make_clinic, make_therapist
from tests.scheduling_factories import future_hour, iso, make_session_type, open_hours


@pytest.fixture
def practice(session, security):
    therapist = make_therapist(session, security, make_clinic(session), display_name="Dr. Rivera")
    open_hours(session, therapist, start_hour=0, end_hour=24)
    one_to_one = make_session_type(session, therapist)
    group = make_session_type(
        session, therapist, name="Group", duration_minutes=90, is_group=True, capacity=1
    )
    return therapist, one_to_one, group


def post(client, url, headers, **body):
    response = client.post(url, headers=headers, json=body)
    assert response.status_code in (200, 201), response.get_json()
    return response.get_json()


def test_erasure_cancels_future_appointments_leaves_groups_and_stops_mail(
    client, session, security, app, session_factory, practice
):
    therapist, one_to_one, group_type = practice
    leaving = make_client(session, security, display_name="Avery Quinlan", legal_name="Avery Q")
    waiting = make_client(session, security, display_name="Wren")
    old_email = leaving.user.email
    headers = auth_headers(client, leaving.user)
    staff = auth_headers(client, therapist.user)
    booked = post(
        client,
        "/api/v1/appointments",
        headers,
        therapist_id=str(therapist.id),
        session_type_id=str(one_to_one.id),
        start=iso(future_hour(days=3)),
    )
    group = post(
        client,
        "/api/v1/group-sessions",
        staff,
        therapist_id=str(therapist.id),
        session_type_id=str(group_type.id),
        start=iso(future_hour(days=4)),
    )
    post(client, f"/api/v1/group-sessions/{group['id']}/enroll", headers)
    post(client, f"/api/v1/group-sessions/{group['id']}/enroll", auth_headers(client, waiting.user))
    drain(worker_for(app, session_factory, RecordingMailer()))  # invites sent, reminders queued
    assert session.scalars(
        select(OutboxMessage).where(
            OutboxMessage.status == OutboxStatus.PENDING,
            OutboxMessage.payload["to"].as_string() == old_email,
        )
    ).all(), "the reminders to erase"

    assert client.delete("/api/v1/me", headers=headers).status_code == 204
    session.expire_all()
    # queued mail to the person is gone in the same unit of work as the erasure
    assert not session.scalars(
        select(OutboxMessage).where(
            OutboxMessage.status == OutboxStatus.PENDING,
            OutboxMessage.payload["to"].as_string() == old_email,
        )
    ).all()

    mailer = RecordingMailer()
    drain(worker_for(app, session_factory, mailer))
    session.expire_all()
    appointment = session.get_one(Appointment, uuid.UUID(booked["id"]))
    assert appointment.status is AppointmentStatus.CANCELLED
    assert appointment.cancelled_by_role == "client"
    assert appointment.late_cancellation is False
    [cancellation] = [
        m
        for m in mailer.to(therapist.user.email)
        if m["Subject"].startswith("Appointment cancelled")
    ]
    method, calendar = calendar_part(cancellation)
    assert method == "CANCEL"
    assert str(calendar.walk("VEVENT")[0]["UID"]) == appointment.ics_uid
    profile = session.get_one(ClientProfile, leaving.id)
    assert not [m for m in mailer.sent if m["To"] in (old_email, profile.user.email)]
    assert "Avery" not in str([m.as_string() for m in mailer.sent])
    seats = {
        e.client_id: e.status
        for e in session.scalars(
            select(GroupEnrollment).where(GroupEnrollment.appointment_id == uuid.UUID(group["id"]))
        )
    }
    assert seats == {leaving.id: EnrollmentStatus.LEFT, waiting.id: EnrollmentStatus.ENROLLED}
    assert mailer.to(waiting.user.email), "the waitlisted member is seated and told"
    # the history stays (what the law requires), without the person's name
    assert appointment.events
    assert profile.display_name == "Deleted client"
    assert profile.legal_name is None
