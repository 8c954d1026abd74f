"""One location rule for matching and booking: where the client is for that session."""

from __future__ import annotations

import uuid
from datetime import timedelta

import pytest
from sqlalchemy import select

from app.clock import utcnow
from scheduling.appointments.models import Appointment
from scheduling.session_types.models import SessionType
from tests.api.test_matching import intake_body, therapist
from tests.factories import auth_headers, make_client
from tests.matching_helpers import matching_clinic

NEXT_YEAR = utcnow().date() + timedelta(days=365)


@pytest.fixture
def clinic(session):
    return matching_clinic(session)


@pytest.fixture
def visitor(session, security):
    """A client whose profile says California, travelling in New York."""
    return make_client(session, security, jurisdiction="US-CA", timezone="America/Los_Angeles")


def _book(client, headers, therapist_id, session_type_id, start, **extra):
    body = {"therapist_id": str(therapist_id), "session_type_id": str(session_type_id)}
    return client.post(
        "/api/v1/appointments", headers=headers, json=body | {"start": start} | extra
    )


def test_a_therapist_matched_where_the_client_is_can_be_booked_there(
    client, session, security, clinic, visitor
):
    new_york = therapist(session, security, clinic, "Nora", licenses=[("US-NY", NEXT_YEAR)])
    california = therapist(session, security, clinic, "Cal", licenses=[("US-CA", NEXT_YEAR)])
    session_type_id = session.scalar(
        select(SessionType.id).where(SessionType.clinic_id == clinic.id)
    )
    headers = auth_headers(client, visitor.user)
    intake = client.post("/api/v1/intakes", headers=headers, json=intake_body(jurisdiction="US-NY"))
    assert intake.status_code == 201, intake.get_json()
    listed = client.get(f"/api/v1/intakes/{intake.get_json()['id']}/matches", headers=headers)
    result = listed.get_json()
    assert [m["therapist"]["display_name"] for m in result["matches"]] == ["Nora"]
    assert result["located_in"] == "US-NY"
    first, second, third = result["matches"][0]["next_openings"][:3]

    booked = _book(client, headers, new_york.id, session_type_id, first, located_in="US-NY")
    assert booked.status_code == 201, booked.get_json()
    assert booked.get_json()["located_in"] == "US-NY"
    stored = session.get(Appointment, uuid.UUID(booked.get_json()["id"]))
    session.refresh(stored)
    assert stored.client_located_in == "US-NY"

    # The appointment keeps its location: moving it checks New York again, not the profile.
    moved = client.post(
        f"/api/v1/appointments/{stored.id}/reschedule", headers=headers, json={"start": second}
    )
    assert moved.status_code == 200, moved.get_json()

    # Booked from California (the profile, or said outright), Nora is refused: not licensed.
    for extra in ({}, {"located_in": "US-CA"}):
        refused = _book(client, headers, new_york.id, session_type_id, first, **extra)
        assert refused.status_code == 422, refused.get_json()
        assert "not licensed in California, United States (US-CA)" in refused.get_json()["message"]

    # A therapist not licensed where the client is for the session cannot be booked there.
    cal_hours = client.get(
        f"/api/v1/therapists/{california.id}/slots",
        query_string={
            "start": first,
            "end": (utcnow() + timedelta(days=14)).isoformat(),
            "session_type": str(session_type_id),
        },
    ).get_json()
    cal_start = cal_hours["slots"][0]["start"]
    refused = _book(client, headers, california.id, session_type_id, cal_start, located_in="US-NY")
    assert refused.status_code == 422, refused.get_json()
    assert "not licensed in New York, United States (US-NY)" in refused.get_json()["message"]
    accepted = _book(client, headers, california.id, session_type_id, cal_start)
    assert accepted.status_code == 201, accepted.get_json()
    assert accepted.get_json()["located_in"] == "US-CA"

    # A series follows the same rule.
    body = {"therapist_id": str(new_york.id), "session_type_id": str(session_type_id)}
    weekly = body | {"first_start": third, "occurrences": 2}
    series = client.post("/api/v1/appointment-series", headers=headers, json=weekly)
    assert series.status_code == 409, series.get_json()
    reasons = [c["reason"] for c in series.get_json()["errors"]["conflicts"]]
    assert len(reasons) == 2
    assert all("not licensed in California, United States (US-CA)" in r for r in reasons), reasons
    series = client.post(
        "/api/v1/appointment-series", headers=headers, json=weekly | {"located_in": "US-NY"}
    )
    assert series.status_code == 201, series.get_json()
    assert [a["located_in"] for a in series.get_json()["booked"]] == ["US-NY", "US-NY"]


def test_located_in_must_be_a_jurisdiction_code(client, session, security, clinic, visitor):
    headers = auth_headers(client, visitor.user)
    response = client.post(
        "/api/v1/appointments",
        headers=headers,
        json={
            "therapist_id": str(visitor.id),
            "session_type_id": str(visitor.id),
            "start": (utcnow() + timedelta(days=2)).isoformat(),
            "located_in": "Atlantis",
        },
    )
    assert response.status_code == 422
    assert "located_in" in response.get_json()["errors"]["json"]
