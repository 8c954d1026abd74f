"""Instants and dates at datetime's limits (years 1 and 9999) are 422, never an OverflowError."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from app.identity.models import Role
from scheduling.exceptions import InvalidWindow
from scheduling.slots.service import check_window
from tests.api.test_errors import assert_error_shape
from tests.factories import auth_headers, make_client, make_clinic, make_therapist, make_user
from tests.scheduling_factories import future_hour, iso, make_session_type, open_hours

EXTREMES = [
    ("0001-01-01T00:00:00+00:00", "0001-01-02T00:00:00+00:00"),
    ("0001-01-01T00:00:00+05:00", "0001-01-01T12:00:00+05:00"),
    ("9999-12-31T00:00:00-05:00", "9999-12-31T22:00:00-05:00"),
    ("9999-12-30T00:00:00+00:00", "9999-12-31T23:59:59+00:00"),
]


@pytest.fixture
def world(client, session, security):
    clinic = make_clinic(session)
    therapist = make_therapist(session, security, clinic)
    open_hours(session, therapist)
    session_type = make_session_type(session, therapist, horizon_days=365)
    admin = make_user(session, security, Role.ADMIN, clinic=clinic)
    patient = make_client(session, security)
    session.commit()
    booked = client.post(
        "/api/v1/appointments",
        headers=auth_headers(client, patient.user),
        json={
            "therapist_id": str(therapist.id),
            "session_type_id": str(session_type.id),
            "start": iso(future_hour(days=2)),
        },
    )
    assert booked.status_code == 201, booked.get_json()
    return {
        "therapist": therapist,
        "session_type": session_type,
        "client": auth_headers(client, patient.user),
        "admin": auth_headers(client, admin),
        "appointment_id": booked.get_json()["id"],
    }


@pytest.mark.parametrize(("start", "end"), EXTREMES)
def test_extreme_instants_are_422_everywhere(client, world, start, end):
    therapist_id, type_id = str(world["therapist"].id), str(world["session_type"].id)
    client_h, admin_h = world["client"], world["admin"]
    target = {"therapist_id": therapist_id, "session_type_id": type_id}
    requests = [
        ("GET", f"/api/v1/therapists/{therapist_id}/slots", None, None, "query"),
        ("GET", "/api/v1/appointments", client_h, None, "query"),
        ("POST", "/api/v1/appointments", client_h, {**target, "start": start}, "json"),
        (
            "POST",
            f"/api/v1/appointments/{world['appointment_id']}/reschedule",
            client_h,
            {"start": start},
            "json",
        ),
        (
            "POST",
            "/api/v1/appointment-series",
            client_h,
            {**target, "first_start": start, "occurrences": 3},
            "json",
        ),
        ("POST", "/api/v1/group-sessions", admin_h, {**target, "start": start}, "json"),
        (
            "POST",
            f"/api/v1/therapists/{therapist_id}/time-off",
            admin_h,
            {"starts_at": start, "ends_at": end},
            "json",
        ),
    ]
    for method, path, headers, body, location in requests:
        query = {"start": start, "end": end}
        if path.endswith("/slots"):
            query["session_type"] = type_id
        response = client.open(
            path,
            method=method,
            headers=headers or {},
            json=body,
            query_string=query if location == "query" else None,
        )
        answer = assert_error_shape(response, 422)
        assert set(answer["errors"][location]) & {"start", "end", "first_start", "starts_at"}


@pytest.mark.parametrize("day", ["0001-01-01", "9999-12-31"])
def test_extreme_dates_are_422(client, world, day):
    therapist_id = str(world["therapist"].id)
    response = client.put(
        f"/api/v1/therapists/{therapist_id}/availability",
        headers=world["admin"],
        json={
            "timezone": "America/New_York",
            "weekly": [],
            "overrides": [{"date": day, "intervals": []}],
        },
    )
    assert_error_shape(response, 422)
    license_ = {"jurisdiction": "US-CA", "license_type": "lcsw", "number": "X1", "expires_on": day}
    response = client.patch(
        f"/api/v1/therapists/{therapist_id}", headers=world["admin"], json={"licenses": [license_]}
    )
    assert_error_shape(response, 422)
    response = client.patch("/api/v1/me", headers=world["client"], json={"date_of_birth": day})
    assert_error_shape(response, 422)


@pytest.mark.parametrize(
    ("start", "end"),
    [
        (datetime.min, datetime.min + timedelta(days=1)),
        (datetime.max - timedelta(days=1), datetime.max),
    ],
)
def test_slot_windows_at_the_limits_are_refused(start, end):
    with pytest.raises(InvalidWindow):
        check_window(start.replace(tzinfo=UTC), end.replace(tzinfo=UTC))
