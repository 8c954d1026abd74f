"""Recurring series (all or nothing, or skipping) and group sessions with a waitlist."""

from __future__ import annotations

import uuid
from datetime import timedelta

import pytest

from app.clock import utcnow
from tests.factories import auth_headers, make_client, make_clinic, make_therapist
from tests.scheduling_factories import future_hour, iso, make_session_type, open_hours


@pytest.fixture
def therapist(session, security):
    therapist = make_therapist(session, security, make_clinic(session))
    open_hours(session, therapist)
    return therapist


@pytest.fixture
def session_type(session, therapist):
    return make_session_type(session, therapist, horizon_days=365)


@pytest.fixture
def patient(session, security):
    return make_client(session, security)


def series(client, headers, therapist, session_type, first, **extra):
    return client.post(
        "/api/v1/appointment-series",
        headers=headers,
        json={
            "therapist_id": str(therapist.id),
            "session_type_id": str(session_type.id),
            "first_start": iso(first),
            **extra,
        },
    )


def test_weekly_series_books_every_occurrence(client, therapist, session_type, patient):
    headers = auth_headers(client, patient.user)
    first = future_hour(days=2)
    response = series(client, headers, therapist, session_type, first, occurrences=4)
    assert response.status_code == 201, response.get_json()
    body = response.get_json()
    assert [a["starts_at"] for a in body["booked"]] == [
        iso(first + timedelta(weeks=k)) for k in range(4)
    ]
    assert body["skipped"] == []
    assert {a["series_id"] for a in body["booked"]} == {body["series_id"]}


def test_fortnightly(client, therapist, session_type, patient):
    first = future_hour(days=2)
    body = series(
        client,
        auth_headers(client, patient.user),
        therapist,
        session_type,
        first,
        occurrences=3,
        interval_weeks=2,
    ).get_json()
    assert [a["starts_at"] for a in body["booked"]] == [
        iso(first + timedelta(weeks=2 * k)) for k in range(3)
    ]


def test_conflict_books_nothing_and_lists_the_dates(
    client, session, security, therapist, session_type, patient
):
    first = future_hour(days=2)
    rival = make_client(session, security)
    taken = first + timedelta(weeks=2)
    booked = client.post(
        "/api/v1/appointments",
        headers=auth_headers(client, rival.user),
        json={
            "therapist_id": str(therapist.id),
            "session_type_id": str(session_type.id),
            "start": iso(taken),
        },
    )
    assert booked.status_code == 201
    headers = auth_headers(client, patient.user)
    response = series(client, headers, therapist, session_type, first, occurrences=4)
    assert response.status_code == 409
    conflicts = response.get_json()["errors"]["conflicts"]
    assert [c["start"] for c in conflicts] == [iso(taken)]
    assert client.get("/api/v1/appointments", headers=headers).get_json()["items"] == []


def test_skip_conflicts_books_the_rest(client, session, security, therapist, session_type, patient):
    first = future_hour(days=2)
    rival = make_client(session, security)
    taken = first + timedelta(weeks=1)
    client.post(
        "/api/v1/appointments",
        headers=auth_headers(client, rival.user),
        json={
            "therapist_id": str(therapist.id),
            "session_type_id": str(session_type.id),
            "start": iso(taken),
        },
    )
    headers = auth_headers(client, patient.user)
    body = series(
        client, headers, therapist, session_type, first, occurrences=3, skip_conflicts=True
    ).get_json()
    assert [a["starts_at"] for a in body["booked"]] == [iso(first), iso(first + timedelta(weeks=2))]
    assert [s["start"] for s in body["skipped"]] == [iso(taken)]


def test_cancel_one_or_all_following(client, therapist, session_type, patient):
    headers = auth_headers(client, patient.user)
    booked = series(
        client, headers, therapist, session_type, future_hour(days=2), occurrences=5
    ).get_json()["booked"]
    one = client.post(f"/api/v1/appointments/{booked[1]['id']}/cancel", headers=headers, json={})
    assert [a["id"] for a in one.get_json()] == [booked[1]["id"]]
    rest = client.post(
        f"/api/v1/appointments/{booked[2]['id']}/cancel",
        headers=headers,
        json={"scope": "following"},
    )
    assert [a["id"] for a in rest.get_json()] == [a["id"] for a in booked[2:]]
    listed = client.get("/api/v1/appointments", headers=headers).get_json()["items"]
    statuses = [a["status"] for a in listed]
    assert statuses == ["booked", "cancelled", "cancelled", "cancelled", "cancelled"]


def test_following_needs_a_series(client, therapist, session_type, patient):
    headers = auth_headers(client, patient.user)
    single = client.post(
        "/api/v1/appointments",
        headers=headers,
        json={
            "therapist_id": str(therapist.id),
            "session_type_id": str(session_type.id),
            "start": iso(future_hour()),
        },
    ).get_json()
    response = client.post(
        f"/api/v1/appointments/{single['id']}/cancel", headers=headers, json={"scope": "following"}
    )
    assert response.status_code == 409


@pytest.mark.parametrize("occurrences", [1, 53, "many"])
def test_bad_series_requests(client, therapist, session_type, patient, occurrences):
    response = series(
        client,
        auth_headers(client, patient.user),
        therapist,
        session_type,
        future_hour(),
        occurrences=occurrences,
    )
    assert response.status_code == 422


@pytest.fixture
def group_type(session, therapist):
    return make_session_type(
        session,
        therapist,
        name="Support group",
        duration_minutes=90,
        is_group=True,
        capacity=2,
        slot_step_minutes=60,
    )


def host(client, therapist, group_type, start, **extra):
    return client.post(
        "/api/v1/group-sessions",
        headers=auth_headers(client, therapist.user),
        json={
            "therapist_id": str(therapist.id),
            "session_type_id": str(group_type.id),
            "start": iso(start),
            **extra,
        },
    )


def test_group_capacity_waitlist_and_promotion(client, session, security, therapist, group_type):
    group = host(client, therapist, group_type, future_hour())
    assert group.status_code == 201, group.get_json()
    group_id = group.get_json()["id"]
    members = [make_client(session, security, display_name=f"M{i}") for i in range(4)]
    headers = [auth_headers(client, m.user) for m in members]
    statuses = [
        client.post(f"/api/v1/group-sessions/{group_id}/enroll", headers=h).get_json()["status"]
        for h in headers
    ]
    assert statuses == ["enrolled", "enrolled", "waitlisted", "waitlisted"]
    again = client.post(f"/api/v1/group-sessions/{group_id}/enroll", headers=headers[0])
    assert again.status_code == 409
    left = client.post(f"/api/v1/group-sessions/{group_id}/leave", headers=headers[0])
    assert left.get_json()["status"] == "left"
    roster = client.get(
        f"/api/v1/group-sessions/{group_id}", headers=auth_headers(client, therapist.user)
    ).get_json()
    assert [e["client_id"] for e in roster["roster"]["enrolled"]] == [
        str(members[1].id),
        str(members[2].id),
    ]
    assert [e["client_id"] for e in roster["roster"]["waitlisted"]] == [str(members[3].id)]
    # a member sees the counts and only their own place
    mine = client.get(f"/api/v1/group-sessions/{group_id}", headers=headers[3]).get_json()
    assert mine["group"]["id"] == group_id
    assert mine["seats_taken"] == 2
    assert mine["roster"]["enrolled"] == []
    assert [e["client_id"] for e in mine["roster"]["waitlisted"]] == [str(members[3].id)]
    assert str(members[1].id) not in str(mine)


def test_group_blocks_the_therapists_time(
    client, session, security, therapist, group_type, session_type
):
    start = future_hour()
    host(client, therapist, group_type, start)
    patient = make_client(session, security)
    response = client.post(
        "/api/v1/appointments",
        headers=auth_headers(client, patient.user),
        json={
            "therapist_id": str(therapist.id),
            "session_type_id": str(session_type.id),
            "start": iso(start + timedelta(hours=1)),
        },
    )
    assert response.status_code == 409


def test_group_session_type_cannot_be_booked_one_to_one(client, therapist, group_type, patient):
    response = client.post(
        "/api/v1/appointments",
        headers=auth_headers(client, patient.user),
        json={
            "therapist_id": str(therapist.id),
            "session_type_id": str(group_type.id),
            "start": iso(future_hour()),
        },
    )
    assert response.status_code == 422


def test_cannot_enroll_in_a_past_group(client, session, security, therapist, group_type):
    group = host(client, therapist, group_type, future_hour()).get_json()
    from scheduling.appointments.models import Appointment

    row = session.get(Appointment, uuid.UUID(group["id"]))
    row.block_starts_at = row.starts_at = utcnow() - timedelta(minutes=1)
    session.commit()
    patient = make_client(session, security)
    response = client.post(
        f"/api/v1/group-sessions/{group['id']}/enroll", headers=auth_headers(client, patient.user)
    )
    assert response.status_code == 409
