"""Group sessions over HTTP: who is a participant (invite file, video link) and who may look."""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta

import icalendar
import jwt
import pytest

from app.clock import utcnow
from app.identity.models import Role
from app.identity.tokens import derive_key
from scheduling.appointments.models import Appointment
from scheduling.video.providers import JOIN_TOKEN_LIFETIME
from tests.factories import auth_headers, make_client, make_clinic, make_therapist, make_user
from tests.scheduling_factories import future_hour, iso, make_session_type, open_hours

SECRET = "test-secret-key-that-is-long-enough-for-hs256"


@pytest.fixture
def host(session, security):
    therapist = make_therapist(session, security, make_clinic(session), display_name="Dr. Host")
    open_hours(session, therapist, start_hour=0, end_hour=24)
    return therapist


@pytest.fixture
def group(client, session, security, host):
    """A group of two seats: M0 and M1 seated, M2 and M3 waitlisted in that order."""
    group_type = make_session_type(
        session, host, name="Group", duration_minutes=60, is_group=True, capacity=2
    )
    response = client.post(
        "/api/v1/group-sessions",
        headers=auth_headers(client, host.user),
        json={
            "therapist_id": str(host.id),
            "session_type_id": str(group_type.id),
            "start": iso(future_hour()),
        },
    )
    assert response.status_code == 201, response.get_json()
    group_id = response.get_json()["id"]
    members = [make_client(session, security, display_name=f"M{i}") for i in range(4)]
    headers = [auth_headers(client, m.user) for m in members]
    statuses = [
        client.post(f"/api/v1/group-sessions/{group_id}/enroll", headers=h).get_json()["status"]
        for h in headers
    ]
    assert statuses == ["enrolled", "enrolled", "waitlisted", "waitlisted"]
    return group_id, members, headers


def start_in(session, group_id, minutes):
    row = session.get(Appointment, uuid.UUID(group_id))
    start = utcnow() + timedelta(minutes=minutes)
    row.block_starts_at = row.starts_at = start
    row.block_ends_at = row.ends_at = start + timedelta(minutes=60)
    session.commit()
    return row


def join(client, group_id, headers):
    return client.post(f"/api/v1/appointments/{group_id}/join", headers=headers)


def invite(client, group_id, headers):
    return client.get(f"/api/v1/appointments/{group_id}/invite.ics", headers=headers)


def claims_of(url):
    secret = derive_key(SECRET, "development-video").hex()
    return jwt.decode(url.split("token=")[1], secret, algorithms=["HS256"], audience="jitsi")


def test_only_seated_members_and_the_host_get_the_invite(client, host, group):
    group_id, members, headers = group
    for h, member in zip(headers[:2], members[:2], strict=True):
        response = invite(client, group_id, h)
        assert response.status_code == 200
        calendar = icalendar.Calendar.from_ical(response.data)
        assert str(calendar["METHOD"]) == "REQUEST"
        assert str(calendar.walk("VEVENT")[0]["ATTENDEE"]) == f"mailto:{member.user.email}"
    host_invite = invite(client, group_id, auth_headers(client, host.user))
    assert host_invite.status_code == 200
    event = icalendar.Calendar.from_ical(host_invite.data).walk("VEVENT")[0]
    assert str(event["ATTENDEE"]) == f"mailto:{host.user.email}"
    for h in headers[2:]:
        refused = invite(client, group_id, h)
        assert refused.status_code == 409
        assert "waitlist" in refused.get_json()["message"]


def test_a_promoted_member_gets_the_invite_and_a_leaver_none(client, group):
    group_id, _, headers = group
    assert (
        client.post(f"/api/v1/group-sessions/{group_id}/leave", headers=headers[0]).status_code
        == 200
    )
    assert invite(client, group_id, headers[0]).status_code == 404
    promoted = invite(client, group_id, headers[2])
    assert promoted.status_code == 200
    assert str(icalendar.Calendar.from_ical(promoted.data)["METHOD"]) == "REQUEST"
    assert invite(client, group_id, headers[3]).status_code == 409


def test_join_links_only_for_seated_members_and_the_host(client, session, host, group):
    group_id, members, headers = group
    row = start_in(session, group_id, 5)
    before = utcnow()
    seated = join(client, group_id, headers[1])
    after = utcnow()
    assert seated.status_code == 200, seated.get_json()
    claims = claims_of(seated.get_json()["url"])
    assert claims["room"] == row.video_room
    assert claims["context"]["user"]["id"] == str(members[1].user.id)
    # a token lives minutes, not the whole session window (which closes 15 minutes after the end)
    assert int((before + JOIN_TOKEN_LIFETIME).timestamp()) <= claims["exp"]
    assert claims["exp"] <= int((after + JOIN_TOKEN_LIFETIME).timestamp())
    expires_at = datetime.fromisoformat(seated.get_json()["expires_at"])
    assert int(expires_at.timestamp()) == claims["exp"]
    hosted = join(client, group_id, auth_headers(client, host.user))
    assert hosted.status_code == 200
    assert claims_of(hosted.get_json()["url"])["moderator"] is True
    for h in headers[2:]:
        refused = join(client, group_id, h)
        assert refused.status_code == 409
        assert "waitlist" in refused.get_json()["message"]


def test_no_join_link_after_leaving_or_once_cancelled(client, session, host, group):
    group_id, _, headers = group
    assert (
        client.post(f"/api/v1/group-sessions/{group_id}/leave", headers=headers[0]).status_code
        == 200
    )
    # the first on the waitlist took the seat; the leaver is no longer a participant
    start_in(session, group_id, 5)
    assert join(client, group_id, headers[0]).status_code == 404
    assert join(client, group_id, headers[2]).status_code == 200
    cancelled = client.post(
        f"/api/v1/appointments/{group_id}/cancel",
        headers=auth_headers(client, host.user),
        json={},
    )
    assert cancelled.status_code == 200, cancelled.get_json()
    for h in (headers[1], headers[2], auth_headers(client, host.user)):
        assert join(client, group_id, h).status_code == 409


def test_a_token_never_outlives_the_join_window(client, session, group):
    group_id, _, headers = group
    row = start_in(session, group_id, -72)  # ended 12 minutes ago: the window closes in 3
    response = join(client, group_id, headers[1])
    assert response.status_code == 200
    closes_at = row.ends_at + timedelta(minutes=15)
    assert closes_at - utcnow() < JOIN_TOKEN_LIFETIME
    assert claims_of(response.get_json()["url"])["exp"] == int(closes_at.timestamp())


def test_other_clinics_cannot_tell_a_group_from_a_random_id(client, session, security, host, group):
    group_id, _, _ = group
    other = make_clinic(session)
    outsiders = [
        make_user(session, security, Role.ADMIN, clinic=other),
        make_therapist(session, security, other).user,
        make_therapist(session, security, host.clinic).user,  # same clinic, not the host
    ]
    session.commit()
    for user in outsiders:
        headers = auth_headers(client, user)
        real = client.get(f"/api/v1/group-sessions/{group_id}", headers=headers)
        random = client.get(f"/api/v1/group-sessions/{uuid.uuid4()}", headers=headers)
        assert (real.status_code, random.status_code) == (404, 404)
        assert real.get_json()["message"] == random.get_json()["message"]
    admin = make_user(session, security, Role.ADMIN, clinic=host.clinic)
    session.commit()
    mine = client.get(f"/api/v1/group-sessions/{group_id}", headers=auth_headers(client, admin))
    assert mine.status_code == 200
    assert len(mine.get_json()["roster"]["enrolled"]) == 2
