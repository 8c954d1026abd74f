"""ETags, If-None-Match (304) and If-Match (412): stale writes no longer overwrite silently."""

from __future__ import annotations

import pytest

from app.identity.models import Role
from tests.factories import auth_headers, make_client, make_clinic, make_therapist, make_user


@pytest.fixture
def clinic_staff(client, session, security):
    clinic = make_clinic(session)
    therapist = make_therapist(session, security, clinic)
    first = make_user(session, security, Role.ADMIN, clinic=clinic)
    second = make_user(session, security, Role.ADMIN, clinic=clinic)
    session.commit()
    return {
        "clinic": clinic,
        "therapist": therapist,
        "first": auth_headers(client, first),
        "second": auth_headers(client, second),
    }


def hours(start: str, end: str) -> dict:
    return {
        "timezone": "America/Chicago",
        "weekly": [{"weekday": "monday", "start": start, "end": end}],
        "overrides": [],
    }


def test_a_read_carries_an_etag_and_an_unchanged_resource_answers_304(client, clinic_staff):
    url = f"/api/v1/therapists/{clinic_staff['therapist'].id}/availability"
    first = client.get(url)
    assert first.status_code == 200
    etag = first.headers["ETag"]
    assert etag.startswith('"')
    again = client.get(url, headers={"If-None-Match": etag})
    assert again.status_code == 304
    assert again.get_data() == b""
    assert client.get(url, headers={"If-None-Match": '"something-else"'}).status_code == 200


def test_two_admins_editing_the_same_hours_the_second_gets_412(client, clinic_staff):
    url = f"/api/v1/therapists/{clinic_staff['therapist'].id}/availability"
    read = client.get(url).headers["ETag"]
    mine = client.put(
        url, headers={**clinic_staff["first"], "If-Match": read}, json=hours("09:00", "12:00")
    )
    assert mine.status_code == 200, mine.get_json()
    theirs = client.put(
        url, headers={**clinic_staff["second"], "If-Match": read}, json=hours("13:00", "17:00")
    )
    assert theirs.status_code == 412
    assert theirs.get_json()["code"] == 412
    assert "fetch it again" in theirs.get_json()["message"]
    kept = client.get(url)
    assert kept.get_json()["weekly"] == [{"weekday": "monday", "start": "09:00", "end": "12:00"}]
    assert kept.headers["ETag"] == mine.headers["ETag"] != read
    redone = client.put(
        url,
        headers={**clinic_staff["second"], "If-Match": kept.headers["ETag"]},
        json=hours("13:00", "17:00"),
    )
    assert redone.status_code == 200


def test_without_if_match_a_write_is_unconditional_and_star_matches_any(client, clinic_staff):
    url = f"/api/v1/therapists/{clinic_staff['therapist'].id}/availability"
    assert (
        client.put(url, headers=clinic_staff["first"], json=hours("09:00", "10:00")).status_code
        == 200
    )
    starred = client.put(
        url, headers={**clinic_staff["first"], "If-Match": "*"}, json=hours("10:00", "11:00")
    )
    assert starred.status_code == 200


def test_clinic_profile_and_policies_refuse_stale_writes(client, clinic_staff):
    clinic_id, therapist_id = clinic_staff["clinic"].id, clinic_staff["therapist"].id
    admin = clinic_staff["first"]
    cases = [
        ("patch", f"/api/v1/clinics/{clinic_id}", {"name": "Harbor"}, {"name": "Cove"}),
        ("patch", f"/api/v1/therapists/{therapist_id}", {"bio": "First."}, {"bio": "Second."}),
        (
            "put",
            f"/api/v1/clinics/{clinic_id}/scheduling-policy",
            {"cancellation_window_minutes": 600},
            {"cancellation_window_minutes": 720},
        ),
    ]
    for method, url, first, second in cases:
        read = client.get(url, headers=admin)
        assert read.status_code == 200, (url, read.get_json())
        etag = read.headers["ETag"]
        current = read.get_json()
        body_one = {**_writable(current, first), **first} if method == "put" else first
        body_two = {**_writable(current, second), **second} if method == "put" else second
        done = getattr(client, method)(url, headers={**admin, "If-Match": etag}, json=body_one)
        assert done.status_code == 200, (url, done.get_json())
        assert client.get(url, headers=admin).headers["ETag"] == done.headers["ETag"]
        stale = getattr(client, method)(url, headers={**admin, "If-Match": etag}, json=body_two)
        assert stale.status_code == 412, url


def _writable(current: dict, change: dict) -> dict:
    return {key: value for key, value in current.items() if key not in ("clinic_id",)}


def test_a_client_editing_their_profile_from_two_devices(client, session, security):
    person = make_client(session, security)
    session.commit()
    headers = auth_headers(client, person.user)
    read = client.get("/api/v1/me", headers=headers).headers["ETag"]
    phone = client.patch(
        "/api/v1/me", headers={**headers, "If-Match": read}, json={"display_name": "Sam"}
    )
    assert phone.status_code == 200
    assert phone.headers["ETag"] == client.get("/api/v1/me", headers=headers).headers["ETag"]
    laptop = client.patch(
        "/api/v1/me", headers={**headers, "If-Match": read}, json={"display_name": "Samuel"}
    )
    assert laptop.status_code == 412
    assert (
        client.get("/api/v1/me", headers=headers).get_json()["client_profile"]["display_name"]
        == "Sam"
    )
