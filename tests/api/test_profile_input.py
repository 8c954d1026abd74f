"""Profile input: license renewal, prices, names that fit one line, lengths that fit columns."""

from __future__ import annotations

from datetime import timedelta

import pytest

from app.clock import utcnow
from app.identity.models import Role
from tests.api.test_errors import assert_error_shape
from tests.factories import auth_headers, make_client, make_clinic, make_therapist, make_user

NEXT_YEAR = utcnow().date() + timedelta(days=365)
BAD_NAMES = [
    "Counsell\r\nBcc: x@example.org",
    "Line\nbreak",
    "Back\\slash",
    "Tab\there",
    "Sep\u2028arator",
    "Para\u2029graph",
    "Nel\x85end",
    "Bell\x07",
    "   ",
    "x" * 201,
]


@pytest.fixture
def clinic(session):
    return make_clinic(session)


@pytest.fixture
def admin_headers(client, session, security, clinic):
    admin = make_user(session, security, Role.ADMIN, clinic=clinic)
    session.commit()
    return auth_headers(client, admin)


def _license(**changes):
    return {
        "jurisdiction": "US-CA",
        "license_type": "lcsw",
        "number": "L-1",
        "expires_on": NEXT_YEAR.isoformat(),
        **changes,
    }


def test_admin_renews_a_license_of_the_same_jurisdiction_and_type(
    client, session, security, clinic, admin_headers
):
    therapist = make_therapist(session, security, clinic)
    later = (NEXT_YEAR + timedelta(days=730)).isoformat()
    response = client.patch(
        f"/api/v1/therapists/{therapist.id}",
        headers=admin_headers,
        json={
            "licenses": [_license(number="L-2", expires_on=later), _license(jurisdiction="US-NY")]
        },
    )
    assert response.status_code == 200, response.get_json()
    licenses = sorted(response.get_json()["licenses"], key=lambda lic: lic["jurisdiction"])
    assert [(lic["jurisdiction"], lic["number"], lic["expires_on"]) for lic in licenses] == [
        ("US-CA", "L-2", later),
        ("US-NY", "L-1", NEXT_YEAR.isoformat()),
    ]
    response = client.patch(
        f"/api/v1/therapists/{therapist.id}",
        headers=admin_headers,
        json={"licenses": [_license(jurisdiction="US-NY", number="N-9")]},
    )
    assert response.status_code == 200, response.get_json()
    assert [(lic["jurisdiction"], lic["number"]) for lic in response.get_json()["licenses"]] == [
        ("US-NY", "N-9")
    ]


def test_sliding_scale_without_a_rate_is_422_on_create(client, admin_headers):
    response = client.post(
        "/api/v1/therapists",
        headers=admin_headers,
        json={
            "email": "scale@example.org",
            "display_name": "Dr. Scale",
            "timezone": "America/Chicago",
            "sliding_scale_min_cents": 5000,
        },
    )
    body = assert_error_shape(response, 422)
    assert "self_pay_rate_cents" in body["errors"]


@pytest.mark.parametrize("name", BAD_NAMES)
def test_names_must_be_one_clean_line(client, session, security, clinic, admin_headers, name):
    therapist = make_therapist(session, security, clinic)
    patient = make_client(session, security)
    client_headers = auth_headers(client, patient.user)
    attempts = [
        ("PATCH", f"/api/v1/therapists/{therapist.id}", admin_headers, "display_name"),
        ("PATCH", "/api/v1/me", client_headers, "display_name"),
        ("PATCH", "/api/v1/me", client_headers, "legal_name"),
        ("PATCH", f"/api/v1/clinics/{clinic.id}", admin_headers, "calendar_name"),
    ]
    for method, path, headers, field in attempts:
        response = client.open(path, method=method, headers=headers, json={field: name})
        body = assert_error_shape(response, 422)
        assert field in body["errors"]["json"], (path, field)
    registration = {
        "email": "odd@example.org",
        "password": "a-long-enough-passphrase",
        "display_name": name,
        "jurisdiction": "US-CA",
        "timezone": "America/Los_Angeles",
    }
    body = assert_error_shape(client.post("/api/v1/auth/register", json=registration), 422)
    assert "display_name" in body["errors"]["json"]
    created = {"email": "t@example.org", "display_name": name, "timezone": "America/Chicago"}
    body = assert_error_shape(
        client.post("/api/v1/therapists", headers=admin_headers, json=created), 422
    )
    assert "display_name" in body["errors"]["json"]


def test_ordinary_names_are_trimmed_and_kept(client, session, security):
    patient = make_client(session, security)
    response = client.patch(
        "/api/v1/me",
        headers=auth_headers(client, patient.user),
        json={"display_name": "  Zoë O\u2019Brien-Núñez  ", "legal_name": "Zoë Anne O\u2019Brien"},
    )
    assert response.status_code == 200, response.get_json()
    assert response.get_json()["display_name"] == "Zoë O\u2019Brien-Núñez"


def test_external_calendar_url_longer_than_its_column_is_422(
    client, session, security, clinic, admin_headers
):
    therapist = make_therapist(session, security, clinic)
    url = "https://calendar.example.org/" + "a" * 2000 + ".ics"
    response = client.post(
        f"/api/v1/therapists/{therapist.id}/external-calendars",
        headers=admin_headers,
        json={"url": url},
    )
    body = assert_error_shape(response, 422)
    assert "url" in body["errors"]["json"]
