"""Invites through the outbox for group sessions and for people whatever they are called."""

from __future__ import annotations

from datetime import timedelta

import icalendar
import pytest
from sqlalchemy import select

from app.outbox.models import OutboxMessage, OutboxStatus
from scheduling.calendars.ics import find_banned_words
from tests.delivery_helpers import RecordingMailer, calendar_part, drain, worker_for
from tests.factories import auth_headers, make_client, make_clinic, make_therapist
from tests.scheduling_factories import future_hour, iso, make_session_type, open_hours


@pytest.fixture
def mailer():
    return RecordingMailer()


@pytest.fixture
def worker(app, session_factory, mailer):
    return worker_for(app, session_factory, mailer)


def invites(mailer, address):
    """(METHOD, SEQUENCE) of every invite sent to the address, in order."""
    found = []
    for message in mailer.to(address):
        if message["Subject"].startswith("Appointment"):
            method, calendar = calendar_part(message)
            found.append((method, int(calendar.walk("VEVENT")[0]["SEQUENCE"])))
    return found


def pending_reminders(session, address):
    rows = session.scalars(
        select(OutboxMessage).where(
            OutboxMessage.dedupe_key.startswith("reminder:"),
            OutboxMessage.status == OutboxStatus.PENDING,
        )
    ).all()
    return sorted(r.available_at for r in rows if r.payload["to"] == address)


def assert_nothing_failed(session):
    failed = session.scalars(
        select(OutboxMessage).where(
            (OutboxMessage.status == OutboxStatus.DEAD) | OutboxMessage.last_error.is_not(None)
        )
    ).all()
    assert [(m.topic, m.last_error) for m in failed] == []


@pytest.fixture
def group(client, session, security):
    therapist = make_therapist(session, security, make_clinic(session), display_name="Dr. Host")
    open_hours(session, therapist, start_hour=0, end_hour=24)
    group_type = make_session_type(
        session, therapist, name="Group", duration_minutes=60, is_group=True, capacity=2
    )
    start = future_hour(days=3)
    response = client.post(
        "/api/v1/group-sessions",
        headers=auth_headers(client, therapist.user),
        json={
            "therapist_id": str(therapist.id),
            "session_type_id": str(group_type.id),
            "start": iso(start),
        },
    )
    assert response.status_code == 201, response.get_json()
    return therapist, response.get_json()["id"], start


def enroll(client, session, security, group_id, count):
    members = [make_client(session, security, display_name=f"M{i}") for i in range(count)]
    headers = [auth_headers(client, m.user) for m in members]
    for h in headers:
        assert (
            client.post(f"/api/v1/group-sessions/{group_id}/enroll", headers=h).status_code == 201
        )
    return [m.user.email for m in members], headers


def test_the_host_gets_the_invite_and_reminders_of_their_group(
    client, session, group, worker, mailer
):
    therapist, group_id, start = group
    drain(worker)
    host = therapist.user.email
    assert invites(mailer, host) == [("REQUEST", 0)]
    assert pending_reminders(session, host) == [
        start - timedelta(hours=24),
        start - timedelta(hours=1),
    ]
    client.post(
        f"/api/v1/appointments/{group_id}/cancel",
        headers=auth_headers(client, therapist.user),
        json={},
    )
    drain(worker)
    assert [method for method, _ in invites(mailer, host)] == ["REQUEST", "CANCEL"]
    assert pending_reminders(session, host) == []
    assert_nothing_failed(session)


def test_waitlisted_members_hear_nothing_until_they_have_a_seat(
    client, session, security, group, worker, mailer
):
    therapist, group_id, start = group
    emails, headers = enroll(client, session, security, group_id, 4)
    drain(worker)
    assert [invites(mailer, e) for e in emails] == [[("REQUEST", 1)], [("REQUEST", 2)], [], []]
    assert [pending_reminders(session, e) for e in emails[2:]] == [[], []]
    # M0 leaves: M2 takes the seat (sequence 3), M0 is told it is off (sequence 4)
    assert (
        client.post(f"/api/v1/group-sessions/{group_id}/leave", headers=headers[0]).status_code
        == 200
    )
    # M3, still waitlisted, leaves: never invited, so nothing to take back
    assert (
        client.post(f"/api/v1/group-sessions/{group_id}/leave", headers=headers[3]).status_code
        == 200
    )
    drain(worker)
    assert invites(mailer, emails[0]) == [("REQUEST", 1), ("CANCEL", 4)]
    assert invites(mailer, emails[2]) == [("REQUEST", 3)]
    assert invites(mailer, emails[3]) == []
    assert pending_reminders(session, emails[0]) == []
    assert pending_reminders(session, emails[2]) == [
        start - timedelta(hours=24),
        start - timedelta(hours=1),
    ]
    assert invites(mailer, therapist.user.email) == [("REQUEST", 0)]
    client.post(
        f"/api/v1/appointments/{group_id}/cancel",
        headers=auth_headers(client, therapist.user),
        json={},
    )
    drain(worker)
    # the host and the seated members (M1, M2) are told; M0 and M3 are not members any more
    for address in (therapist.user.email, emails[1], emails[2]):
        assert invites(mailer, address)[-1] == ("CANCEL", 5)
        assert pending_reminders(session, address) == []
    assert invites(mailer, emails[0])[-1] == ("CANCEL", 4)
    assert invites(mailer, emails[3]) == []
    assert_nothing_failed(session)


NAMES = [
    # (therapist's display name, client's display name, clinic calendar name, client's shown name)
    ("Dr. Counsell", "Ada Patient", "Calm Harbor", "Ada Patient"),
    ("Jo Counselman", "Mental Mendez", "Calm Harbor", "Mental Mendez"),
    ("Back\\slash\\", "Two\r\nLines", "Calm\r\nHarbor", "Two Lines"),
    ("Tab\tName", "\r\n", "\\", ""),
]


@pytest.mark.parametrize(("therapist_name", "client_name", "calendar_name", "shown"), NAMES)
def test_no_name_stops_anyones_mail(
    client, session, security, worker, mailer, therapist_name, client_name, calendar_name, shown
):
    clinic = make_clinic(session)
    therapist = make_therapist(session, security, clinic, display_name="Dr. Rivera")
    open_hours(session, therapist, start_hour=0, end_hour=24)
    session_type = make_session_type(session, therapist)
    patient = make_client(session, security, display_name="River")
    # stored as older rows may hold them, whatever input validation allows today
    therapist.display_name, patient.display_name = therapist_name, client_name
    clinic.calendar_name = calendar_name
    session.commit()
    headers = auth_headers(client, patient.user)
    booked = client.post(
        "/api/v1/appointments",
        headers=headers,
        json={
            "therapist_id": str(therapist.id),
            "session_type_id": str(session_type.id),
            "start": iso(future_hour(days=3)),
        },
    )
    assert booked.status_code == 201, booked.get_json()
    drain(worker)
    assert_nothing_failed(session)
    organizer = "Your care team" if calendar_name == "\\" else "Calm Harbor"
    for address in (patient.user.email, therapist.user.email):
        (message,) = [m for m in mailer.to(address) if m["Subject"].startswith("Appointment")]
        method, calendar = calendar_part(message)
        assert method == "REQUEST"
        event = calendar.walk("VEVENT")[0]
        assert str(event["SUMMARY"]) == f"Appointment with {organizer}"
        assert str(event["ATTENDEE"]) == f"mailto:{address}"
        del event["ATTENDEE"]  # the recipient's own name and address are theirs
        assert find_banned_words(calendar.to_ical()) == []
    patient_event = calendar_part(mailer.to(patient.user.email)[0])[1].walk("VEVENT")[0]
    assert patient_event["ATTENDEE"].params.get("CN") == (shown or None)
    for user in (patient.user, therapist.user):
        own = client.get(
            f"/api/v1/appointments/{booked.get_json()['id']}/invite.ics",
            headers=auth_headers(client, user),
        )
        assert own.status_code == 200
        own_event = icalendar.Calendar.from_ical(own.data).walk("VEVENT")[0]
        assert str(own_event["ATTENDEE"]) == f"mailto:{user.email}"
