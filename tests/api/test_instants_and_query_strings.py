"""Instants in UTC with Z, or all in the `tz` asked; query strings hold only what is documented."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from tests.factories import auth_headers, make_client, make_clinic, make_therapist
from tests.scheduling_factories import future_hour, make_session_type, open_hours, past_appointment

INSTANT = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$")


def instants(node: Any) -> list[str]:
    """Every string in a JSON document that is an ISO 8601 instant."""
    if isinstance(node, dict):
        return [found for value in node.values() for found in instants(value)]
    if isinstance(node, list):
        return [found for value in node for found in instants(value)]
    return [node] if isinstance(node, str) and INSTANT.match(node) else []


@pytest.fixture
def world(client, session, security):
    therapist = make_therapist(session, security, make_clinic(session))
    open_hours(session, therapist)
    session_type = make_session_type(session, therapist)
    patient = make_client(session, security)
    session.commit()
    return therapist, session_type, patient, auth_headers(client, patient.user)


def book(client, world, start: str):
    therapist, session_type, _, headers = world
    return client.post(
        "/api/v1/appointments",
        headers=headers,
        json={
            "therapist_id": str(therapist.id),
            "session_type_id": str(session_type.id),
            "start": start,
        },
    )


def test_an_instant_sent_with_an_offset_comes_back_in_utc_from_post_and_get(client, world):
    start = future_hour(days=3)
    sent = (start - timedelta(hours=8)).replace(tzinfo=None).isoformat() + "-08:00"
    posted = book(client, world, sent)
    assert posted.status_code == 201, posted.get_json()
    expected = start.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    assert posted.get_json()["starts_at"] == expected
    fetched = client.get(f"/api/v1/appointments/{posted.get_json()['id']}", headers=world[3])
    assert fetched.get_json()["starts_at"] == expected
    assert all(value.endswith("Z") for value in instants(fetched.get_json()))


def test_every_instant_of_an_answer_is_rendered_in_the_zone_asked(client, world):
    booked = book(client, world, future_hour(days=3).isoformat()).get_json()
    shown = client.get(
        f"/api/v1/appointments/{booked['id']}",
        headers=world[3],
        query_string={"tz": "Asia/Kolkata"},
    ).get_json()
    found = instants(shown)
    assert len(found) >= 4  # starts, ends, created, history
    assert all(value.endswith("+05:30") for value in found), found
    assert datetime.fromisoformat(shown["starts_at"]) == datetime.fromisoformat(booked["starts_at"])


@pytest.mark.parametrize(
    ("zone", "july", "january"),
    [
        ("America/New_York", "2025-07-01T08:00:00-04:00", "2025-01-15T07:00:00-05:00"),
        ("Australia/Adelaide", "2025-07-01T21:30:00+09:30", "2025-01-15T22:30:00+10:30"),
        ("Australia/Lord_Howe", "2025-07-01T22:30:00+10:30", "2025-01-15T23:00:00+11:00"),
        ("Europe/London", "2025-07-01T13:00:00+01:00", "2025-01-15T12:00:00+00:00"),
        ("Etc/UTC", "2025-07-01T12:00:00Z", "2025-01-15T12:00:00Z"),
    ],
)
def test_rendering_follows_each_zones_own_offset_on_the_day(
    client, session, world, zone, july, january
):
    therapist, session_type, patient, headers = world
    for start in (datetime(2025, 7, 1, 12, tzinfo=UTC), datetime(2025, 1, 15, 12, tzinfo=UTC)):
        past_appointment(session, therapist, patient, session_type, starts_at=start)
    listed = client.get(
        "/api/v1/appointments",
        headers=headers,
        query_string={"tz": zone, "start": "2025-01-01T00:00:00Z", "end": "2025-12-31T00:00:00Z"},
    ).get_json()["items"]
    assert [a["starts_at"] for a in listed] == [january, july]


def test_a_zone_that_is_not_iana_is_refused(client, world):
    refused = client.get("/api/v1/appointments", headers=world[3], query_string={"tz": "PST"})
    assert refused.status_code == 422
    assert "tz" in refused.get_json()["errors"]["query"]


def test_unknown_query_parameters_are_refused_like_unknown_body_fields(client, world):
    refused = client.get(
        "/api/v1/appointments", headers=world[3], query_string={"status": "booked", "order_by": "x"}
    )
    assert refused.status_code == 422
    assert refused.get_json()["errors"] == {"query": {"order_by": ["Unknown query parameter."]}}
    assert client.get("/api/v1/me", headers=world[3], query_string={"x": "1"}).status_code == 422
    assert client.get("/api/v1/vocabularies", query_string={"lang": "fr"}).status_code == 422
    assert client.get("/api/v1/appointments?status=booked", headers=world[3]).status_code == 200


def test_the_export_renders_its_instants_in_utc_too(client, world):
    book(client, world, future_hour(days=3).isoformat())
    export = client.get("/api/v1/me/export", headers=world[3]).get_json()
    found = instants(export)
    assert found
    assert all(value.endswith("Z") for value in found), found[:5]


def test_a_booking_says_where_it_lives_and_that_address_answers(client, world):
    created = book(client, world, future_hour(days=4).isoformat())
    assert created.status_code == 201
    location = created.headers["Location"]
    assert location == f"/api/v1/appointments/{created.get_json()['id']}"
    assert client.get(location, headers=world[3]).get_json() == created.get_json()


def test_hostile_query_names_and_zones_are_refused_cleanly(client):
    named = client.get("/api/v1/vocabularies?a%00b=1&" + "x" * 5000 + "=1")
    assert named.status_code == 422
    assert set(named.get_json()["errors"]["query"]) == {"a\ufffdb", "x" * 100}
    assert client.get("/api/v1/vocabularies?tz=%00").status_code == 422
    assert client.get("/api/v1/vocabularies?tz=" + "A" * 5000).status_code == 422
