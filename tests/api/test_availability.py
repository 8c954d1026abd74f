"""Availability, time off, session types and the slots endpoint."""

from __future__ import annotations

from datetime import timedelta

import pytest

from app.identity.models import Role
from tests.factories import auth_headers, make_clinic, make_therapist, make_user
from tests.scheduling_factories import future_hour, iso, make_session_type, open_hours

WEEK = {
    "timezone": "America/New_York",
    "weekly": [
        {"weekday": "monday", "start": "09:00", "end": "12:00"},
        {"weekday": "monday", "start": "13:00", "end": "17:00"},
        {"weekday": "friday", "start": "18:00", "end": "24:00"},
    ],
    "overrides": [
        {"date": "2026-12-24", "intervals": [{"start": "09:00", "end": "11:00"}]},
        {"date": "2026-12-25", "intervals": []},
    ],
}


@pytest.fixture
def therapist(session, security):
    return make_therapist(session, security, make_clinic(session))


@pytest.fixture
def headers(client, therapist):
    return auth_headers(client, therapist.user)


def test_put_then_get_round_trips(client, therapist, headers):
    url = f"/api/v1/therapists/{therapist.id}/availability"
    response = client.put(url, json=WEEK, headers=headers)
    assert response.status_code == 200, response.get_json()
    body = client.get(url).get_json()
    assert body["timezone"] == "America/New_York"
    assert body["weekly"] == WEEK["weekly"]
    assert body["overrides"] == WEEK["overrides"]


def test_put_replaces_everything(client, therapist, headers):
    url = f"/api/v1/therapists/{therapist.id}/availability"
    client.put(url, json=WEEK, headers=headers)
    smaller = {
        "timezone": "Europe/Berlin",
        "weekly": [{"weekday": "tuesday", "start": "08:00", "end": "10:00"}],
    }
    client.put(url, json=smaller, headers=headers)
    body = client.get(url).get_json()
    assert body["weekly"] == smaller["weekly"]
    assert body["overrides"] == []


@pytest.mark.parametrize(
    ("weekly", "fragment"),
    [
        (
            [
                {"weekday": "monday", "start": "09:00", "end": "12:00"},
                {"weekday": "monday", "start": "11:00", "end": "13:00"},
            ],
            "09:00-12:00 overlaps 11:00-13:00",
        ),
        ([{"weekday": "monday", "start": "12:00", "end": "09:00"}], "ends before it starts"),
        ([{"weekday": "monday", "start": "09:00", "end": "09:00"}], "ends before it starts"),
    ],
)
def test_bad_intervals_are_422_naming_the_interval(client, therapist, headers, weekly, fragment):
    url = f"/api/v1/therapists/{therapist.id}/availability"
    client.put(url, json=WEEK, headers=headers)
    response = client.put(url, json={"timezone": "UTC", "weekly": weekly}, headers=headers)
    assert response.status_code == 422
    assert fragment in str(response.get_json()["errors"])
    # nothing was half-written
    assert client.get(url).get_json()["weekly"] == WEEK["weekly"]


@pytest.mark.parametrize(
    "body",
    [
        {"timezone": "Mars/Olympus", "weekly": []},
        {"timezone": "UTC", "weekly": [{"weekday": "funday", "start": "09:00", "end": "10:00"}]},
        {"timezone": "UTC", "weekly": [{"weekday": "monday", "start": "9am", "end": "10:00"}]},
        {"timezone": "UTC", "weekly": [{"weekday": "monday", "start": "09:00", "end": "24:30"}]},
        {"timezone": "UTC", "weekly": [], "overrides": [{"date": "2026-13-01", "intervals": []}]},
    ],
)
def test_malformed_availability_is_422(client, therapist, headers, body):
    url = f"/api/v1/therapists/{therapist.id}/availability"
    assert client.put(url, json=body, headers=headers).status_code == 422


def test_only_the_therapist_or_their_admin_may_change_availability(
    client, session, security, therapist
):
    colleague = make_therapist(session, security, therapist.clinic)
    outsider_admin = make_user(session, security, Role.ADMIN, clinic=make_clinic(session))
    own_admin = make_user(session, security, Role.ADMIN, clinic=therapist.clinic)
    session.commit()
    url = f"/api/v1/therapists/{therapist.id}/availability"
    assert (
        client.put(url, json=WEEK, headers=auth_headers(client, colleague.user)).status_code == 403
    )
    assert (
        client.put(url, json=WEEK, headers=auth_headers(client, outsider_admin)).status_code == 403
    )
    assert client.put(url, json=WEEK, headers=auth_headers(client, own_admin)).status_code == 200


def slots(client, therapist, session_type, start, end, tz="UTC"):
    return client.get(
        f"/api/v1/therapists/{therapist.id}/slots",
        query_string={
            "start": iso(start),
            "end": iso(end),
            "session_type": str(session_type.id),
            "tz": tz,
        },
    )


def test_slots_are_rendered_in_the_requested_zone(client, session, therapist):
    open_hours(session, therapist, start_hour=9, end_hour=11)
    session_type = make_session_type(session, therapist)
    day = future_hour(days=3, hour=0)
    response = slots(
        client, therapist, session_type, day, day + timedelta(days=1), tz="Asia/Kolkata"
    )
    assert response.status_code == 200
    body = response.get_json()
    assert [s["start"][-6:] for s in body["slots"]] == ["+05:30", "+05:30"]
    assert body["slots"][0]["start"][11:16] == "14:30"  # 09:00 UTC
    assert body["slots"][0]["end"][11:16] == "15:20"


def test_time_off_removes_slots_and_can_be_removed(client, session, therapist, headers):
    open_hours(session, therapist, start_hour=9, end_hour=12)
    session_type = make_session_type(session, therapist)
    day = future_hour(days=3, hour=0)
    before = len(
        slots(client, therapist, session_type, day, day + timedelta(days=1)).get_json()["slots"]
    )
    created = client.post(
        f"/api/v1/therapists/{therapist.id}/time-off",
        headers=headers,
        json={
            "starts_at": iso(day + timedelta(hours=9)),
            "ends_at": iso(day + timedelta(hours=11)),
            "note": "dentist",
        },
    )
    assert created.status_code == 201
    after = slots(client, therapist, session_type, day, day + timedelta(days=1)).get_json()["slots"]
    assert [s["start"][11:16] for s in after] == ["11:00"]
    assert before == 3
    entry = created.get_json()["id"]
    assert (
        client.delete(
            f"/api/v1/therapists/{therapist.id}/time-off/{entry}", headers=headers
        ).status_code
        == 204
    )
    assert (
        len(
            slots(client, therapist, session_type, day, day + timedelta(days=1)).get_json()["slots"]
        )
        == 3
    )


def test_time_off_must_end_after_it_starts(client, therapist, headers):
    day = future_hour()
    response = client.post(
        f"/api/v1/therapists/{therapist.id}/time-off",
        headers=headers,
        json={"starts_at": iso(day), "ends_at": iso(day)},
    )
    assert response.status_code == 422


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ({"start": "2026-12-02T00:00:00+00:00", "end": "2026-12-01T00:00:00+00:00"}, "end"),
        ({"start": "2026-01-01T00:00:00+00:00", "end": "2036-01-01T00:00:00+00:00"}, "end"),
        ({"start": "2026-12-01T00:00:00", "end": "2026-12-02T00:00:00+00:00"}, "start"),
        ({"start": "yesterday", "end": "2026-12-02T00:00:00+00:00"}, "start"),
        ({"tz": "Mars/Olympus"}, "tz"),
        ({"session_type": "not-a-uuid"}, "session_type"),
    ],
)
def test_bad_slot_queries_are_422(client, session, therapist, query, field):
    session_type = make_session_type(session, therapist)
    params = {
        "start": "2026-12-01T00:00:00+00:00",
        "end": "2026-12-02T00:00:00+00:00",
        "session_type": str(session_type.id),
        **query,
    }
    response = client.get(f"/api/v1/therapists/{therapist.id}/slots", query_string=params)
    assert response.status_code == 422
    assert field in str(response.get_json()["errors"])


def test_unknown_session_type_is_404(client, therapist):
    day = future_hour()
    response = client.get(
        f"/api/v1/therapists/{therapist.id}/slots",
        query_string={
            "start": iso(day),
            "end": iso(day + timedelta(days=1)),
            "session_type": "00000000-0000-0000-0000-000000000000",
        },
    )
    assert response.status_code == 404


def test_session_types_and_clinic_defaults(client, session, security, therapist, headers):
    admin = make_user(session, security, Role.ADMIN, clinic=therapist.clinic)
    session.commit()
    clinic_default = client.post(
        f"/api/v1/clinics/{therapist.clinic_id}/session-types",
        headers=auth_headers(client, admin),
        json={"name": "Intake call", "duration_minutes": 20},
    )
    assert clinic_default.status_code == 201
    own = client.post(
        f"/api/v1/therapists/{therapist.id}/session-types",
        headers=headers,
        json={
            "name": "Couples",
            "duration_minutes": 80,
            "slot_step_minutes": 90,
            "requires_approval": True,
        },
    )
    assert own.status_code == 201
    listed = client.get(f"/api/v1/therapists/{therapist.id}/session-types").get_json()["items"]
    assert [t["name"] for t in listed] == ["Couples", "Intake call"]
    patched = client.patch(
        f"/api/v1/therapists/{therapist.id}/session-types/{own.get_json()['id']}",
        headers=headers,
        json={"active": False},
    )
    assert patched.status_code == 200
    offered = client.get(f"/api/v1/therapists/{therapist.id}/session-types").get_json()["items"]
    assert [t["name"] for t in offered] == ["Intake call"]
    bad = client.post(
        f"/api/v1/therapists/{therapist.id}/session-types",
        headers=headers,
        json={"name": "Zero", "duration_minutes": 0},
    )
    assert bad.status_code == 422


def test_clinic_policy(client, session, security, therapist):
    admin = make_user(session, security, Role.ADMIN, clinic=therapist.clinic)
    session.commit()
    url = f"/api/v1/clinics/{therapist.clinic_id}/scheduling-policy"
    assert client.get(url).get_json() == {
        "cancellation_window_minutes": 1440,
        "hold_minutes": 10,
        "max_active_holds": 3,
    }
    response = client.put(
        url, headers=auth_headers(client, admin), json={"cancellation_window_minutes": 2880}
    )
    assert response.status_code == 200
    assert client.get(url).get_json()["cancellation_window_minutes"] == 2880
