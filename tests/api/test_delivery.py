"""Video join links, the caller's invite file, the therapist's feed, and external busy time."""

from __future__ import annotations

import uuid
from datetime import timedelta

import icalendar
import jwt
import pytest

from app.clock import utcnow
from app.identity.models import Role
from app.identity.tokens import derive_key
from scheduling.appointments.models import Appointment, AppointmentStatus
from scheduling.calendars.ics import find_banned_words
from scheduling.video.providers import JOIN_TOKEN_LIFETIME
from tests.calendar_helpers import calendar_bytes
from tests.factories import auth_headers, make_client, make_clinic, make_therapist, make_user
from tests.scheduling_factories import future_hour, iso, make_session_type, open_hours

SECRET = "test-secret-key-that-is-long-enough-for-hs256"


@pytest.fixture
def world(client, session, security):
    clinic = make_clinic(session)
    therapist = make_therapist(session, security, clinic, display_name="Dr. Rivera")
    open_hours(session, therapist, start_hour=0, end_hour=24)
    session_type = make_session_type(session, therapist)
    patient = make_client(session, security, display_name="River")
    return therapist, session_type, patient


def book(client, world, start):
    therapist, session_type, patient = world
    response = client.post(
        "/api/v1/appointments",
        headers=auth_headers(client, patient.user),
        json={
            "therapist_id": str(therapist.id),
            "session_type_id": str(session_type.id),
            "start": iso(start),
        },
    )
    assert response.status_code == 201, response.get_json()
    return response.get_json()


def shift_to_now(session, appointment_id, minutes_from_now):
    appointment = session.get(Appointment, uuid.UUID(appointment_id))
    start = utcnow() + timedelta(minutes=minutes_from_now)
    appointment.block_starts_at = appointment.starts_at = start
    appointment.block_ends_at = appointment.ends_at = start + timedelta(minutes=50)
    session.commit()
    return appointment


def decode(url: str) -> dict:
    token = url.split("token=")[1]
    secret = derive_key(SECRET, "development-video").hex()
    return jwt.decode(token, secret, algorithms=["HS256"], audience="jitsi")


def test_join_links_are_personal_and_time_bound(client, session, world):
    therapist, _, patient = world
    booked = book(client, world, future_hour())
    appointment = shift_to_now(session, booked["id"], 5)
    client_link = client.post(
        f"/api/v1/appointments/{booked['id']}/join", headers=auth_headers(client, patient.user)
    )
    assert client_link.status_code == 200, client_link.get_json()
    therapist_link = client.post(
        f"/api/v1/appointments/{booked['id']}/join", headers=auth_headers(client, therapist.user)
    )
    after = utcnow()
    for response, moderator, name in (
        (client_link, False, "River"),
        (therapist_link, True, "Dr. Rivera"),
    ):
        body = response.get_json()
        claims = decode(body["url"])
        assert claims["room"] == appointment.video_room
        assert appointment.video_room in body["url"]
        assert booked["id"] not in body["url"]
        assert claims["moderator"] is moderator
        assert claims["context"]["user"]["name"] == name
        assert claims["nbf"] == int((appointment.starts_at - timedelta(minutes=10)).timestamp())
        # minutes, not until the window closes 15 minutes after the end
        assert claims["exp"] <= int((after + JOIN_TOKEN_LIFETIME).timestamp())
        assert claims["exp"] >= int((after + JOIN_TOKEN_LIFETIME).timestamp()) - 5
        assert timedelta(minutes=5) == JOIN_TOKEN_LIFETIME


def test_join_is_refused_outside_the_window_with_the_opening_time(client, session, world):
    _, _, patient = world
    booked = book(client, world, future_hour())
    response = client.post(
        f"/api/v1/appointments/{booked['id']}/join", headers=auth_headers(client, patient.user)
    )
    assert response.status_code == 409
    assert "opens at" in response.get_json()["message"]
    assert response.get_json()["errors"]["opens_at"]


def test_join_is_refused_for_strangers_admins_and_cancelled(client, session, security, world):
    therapist, _, patient = world
    booked = book(client, world, future_hour())
    shift_to_now(session, booked["id"], 5)
    url = f"/api/v1/appointments/{booked['id']}/join"
    stranger = make_client(session, security)
    admin = make_user(session, security, Role.ADMIN, clinic=therapist.clinic)
    session.commit()
    assert client.post(url, headers=auth_headers(client, stranger.user)).status_code == 404
    assert client.post(url, headers=auth_headers(client, admin)).status_code == 403
    appointment = session.get(Appointment, uuid.UUID(booked["id"]))
    appointment.status = AppointmentStatus.CANCELLED
    session.commit()
    assert client.post(url, headers=auth_headers(client, patient.user)).status_code == 409


def test_own_invite_file(client, session, security, world):
    _therapist, _, patient = world
    booked = book(client, world, future_hour())
    response = client.get(
        f"/api/v1/appointments/{booked['id']}/invite.ics",
        headers=auth_headers(client, patient.user),
    )
    assert response.status_code == 200
    assert response.mimetype == "text/calendar"
    calendar = icalendar.Calendar.from_ical(response.data)
    event = calendar.walk("VEVENT")[0]
    assert str(calendar["METHOD"]) == "REQUEST"
    assert patient.user.email in str(event["ATTENDEE"])
    stranger = make_client(session, security)
    assert (
        client.get(
            f"/api/v1/appointments/{booked['id']}/invite.ics",
            headers=auth_headers(client, stranger.user),
        ).status_code
        == 404
    )


def test_calendar_feed_rotates_and_shows_cancellations(client, session, world):
    therapist, _, patient = world
    headers = auth_headers(client, therapist.user)
    kept = book(client, world, future_hour(days=3))
    dropped = book(client, world, future_hour(days=4))
    client.post(
        f"/api/v1/appointments/{dropped['id']}/cancel",
        headers=auth_headers(client, patient.user),
        json={},
    )
    first = client.post(f"/api/v1/therapists/{therapist.id}/calendar-feed", headers=headers)
    assert first.status_code == 201
    path = first.get_json()["url"].split("127.0.0.1:5000")[1]
    feed = client.get(path)
    assert feed.status_code == 200
    assert feed.mimetype == "text/calendar"
    events = {str(e["UID"]): e for e in icalendar.Calendar.from_ical(feed.data).walk("VEVENT")}
    statuses = sorted(str(e.get("STATUS")) for e in events.values())
    assert statuses == ["CANCELLED", "CONFIRMED"]
    assert find_banned_words(feed.data) == []
    assert "River" not in feed.get_data(as_text=True)
    second = client.post(f"/api/v1/therapists/{therapist.id}/calendar-feed", headers=headers)
    assert client.get(path).status_code == 404
    assert client.get(second.get_json()["url"].split("127.0.0.1:5000")[1]).status_code == 200
    assert kept["id"]


def slot_starts(client, therapist, session_type, day_start):
    response = client.get(
        f"/api/v1/therapists/{therapist.id}/slots",
        query_string={
            "start": iso(day_start),
            "end": iso(day_start + timedelta(days=1)),
            "session_type": str(session_type.id),
        },
    )
    return [s["start"][11:16] for s in response.get_json()["slots"]]


def test_uploaded_calendar_blocks_recurring_and_all_day_events(client, world):
    therapist, session_type, _ = world
    headers = auth_headers(client, therapist.user)
    day = future_hour(days=2, hour=0)
    response = client.post(
        f"/api/v1/therapists/{therapist.id}/external-calendars/upload",
        headers={**headers, "Content-Type": "text/calendar"},
        data=calendar_bytes(day),
    )
    assert response.status_code == 201, response.get_json()
    assert response.get_json()["busy_count"] == 3
    assert "10:00" not in slot_starts(client, therapist, session_type, day)
    assert "10:00" in slot_starts(client, therapist, session_type, day + timedelta(days=1))
    assert "10:00" not in slot_starts(client, therapist, session_type, day + timedelta(days=2))
    # therapist's zone is America/New_York: the all-day event blocks that local day
    blocked = slot_starts(client, therapist, session_type, day + timedelta(days=3))
    assert "12:00" not in blocked


def test_unreadable_upload_is_422_and_wrong_type_415(client, world):
    therapist, _, _ = world
    headers = auth_headers(client, therapist.user)
    url = f"/api/v1/therapists/{therapist.id}/external-calendars/upload"
    bad = client.post(
        url,
        headers={**headers, "Content-Type": "text/calendar"},
        data=b"BEGIN:VCALENDAR\nnot really",
    )
    assert bad.status_code == 422
    assert client.post(url, headers=headers, json={"x": 1}).status_code == 415
