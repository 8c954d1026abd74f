"""The public therapist directory: filters, paging, exposure, edits and admin management."""

from __future__ import annotations

from datetime import timedelta

import pytest

from app.clock import utcnow
from app.identity.models import Role
from tests.factories import auth_headers, make_clinic, make_therapist, make_user

TODAY = utcnow().date()
NEXT_YEAR = TODAY + timedelta(days=365)


@pytest.fixture
def clinic(session):
    return make_clinic(session)


def listed_names(client, query: str = "") -> list[str]:
    response = client.get(f"/api/v1/therapists?page_size=100&{query}")
    assert response.status_code == 200, response.get_json()
    return [t["display_name"] for t in response.get_json()["items"]]


def test_jurisdiction_and_language_filters_combine(client, session, security, clinic):
    make_therapist(
        session,
        security,
        clinic,
        display_name="Both",
        licenses=[("US-CA", NEXT_YEAR)],
        languages=["en", "es"],
    )
    make_therapist(
        session,
        security,
        clinic,
        display_name="Expired CA",
        licenses=[("US-CA", TODAY - timedelta(days=1)), ("US-NY", NEXT_YEAR)],
        languages=["es"],
    )
    make_therapist(
        session,
        security,
        clinic,
        display_name="English only",
        licenses=[("US-CA", NEXT_YEAR)],
        languages=["en"],
    )
    make_therapist(
        session,
        security,
        clinic,
        display_name="Spanish in NY",
        licenses=[("US-NY", NEXT_YEAR)],
        languages=["es"],
    )
    make_therapist(
        session,
        security,
        clinic,
        display_name="Expires today",
        licenses=[("US-CA", TODAY)],
        languages=["es"],
    )

    assert listed_names(client, "jurisdiction=CA&language=es") == ["Both", "Expires today"]
    assert listed_names(client, "jurisdiction=NY") == ["Expired CA", "Spanish in NY"]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("specialty=trauma", ["Trauma EMDR"]),
        ("modality=emdr", ["Trauma EMDR"]),
        ("insurance=aetna", ["Aetna"]),
        ("gender=non_binary", ["Aetna"]),
        ("accepting_new_clients=false", ["Full"]),
        ("community=veterans", ["Trauma EMDR"]),
        ("age_group=teens", ["Aetna"]),
        ("format=phone", ["Full"]),
        ("specialty=trauma&insurance=aetna", []),
    ],
)
def test_each_filter(client, session, security, clinic, query, expected):
    make_therapist(
        session,
        security,
        clinic,
        display_name="Trauma EMDR",
        specialties=["trauma", "anxiety"],
        modalities=["emdr"],
        communities=["veterans"],
    )
    make_therapist(
        session,
        security,
        clinic,
        display_name="Aetna",
        insurance_plans=["aetna"],
        gender="non_binary",
        age_groups=["teens", "adults"],
    )
    make_therapist(
        session,
        security,
        clinic,
        display_name="Full",
        accepting_new_clients=False,
        formats=["video", "phone"],
    )
    assert listed_names(client, query) == expected


def test_unknown_filter_value_names_allowed_values(client):
    response = client.get("/api/v1/therapists?language=xx")
    assert response.status_code == 422
    assert "Allowed values" in response.get_json()["errors"]["query"]["language"][0]


def test_paging_is_bounded_and_counts(client, session, security, clinic):
    for index in range(5):
        make_therapist(session, security, clinic, display_name=f"T{index}")
    body = client.get("/api/v1/therapists?page=2&page_size=2").get_json()
    assert [t["display_name"] for t in body["items"]] == ["T2", "T3"]
    assert body["total"] == 5
    assert client.get("/api/v1/therapists?page_size=101").status_code == 422
    assert client.get("/api/v1/therapists?page=0").status_code == 422


def test_public_entries_expose_no_private_fields(client, session, security, clinic):
    therapist = make_therapist(session, security, clinic, display_name="Private")
    item = client.get("/api/v1/therapists").get_json()["items"][0]
    text = client.get(f"/api/v1/therapists/{therapist.id}").get_data(as_text=True)
    for private in ("email", "user_id", "max_caseload", "password", therapist.user.email):
        assert private not in item
        assert private not in text


def test_deactivated_therapist_disappears(client, session, security, clinic):
    therapist = make_therapist(session, security, clinic, display_name="Leaving")
    admin = make_user(session, security, Role.ADMIN, clinic=clinic)
    session.commit()
    therapist_headers = auth_headers(client, therapist.user)
    response = client.delete(
        f"/api/v1/therapists/{therapist.id}", headers=auth_headers(client, admin)
    )
    assert response.status_code == 204
    assert listed_names(client) == []
    assert client.get(f"/api/v1/therapists/{therapist.id}").status_code == 404
    assert client.get("/api/v1/me", headers=therapist_headers).status_code == 401


def test_therapist_edits_own_profile_but_not_admin_fields(client, session, security, clinic):
    therapist = make_therapist(session, security, clinic)
    headers = auth_headers(client, therapist.user)
    url = f"/api/v1/therapists/{therapist.id}"
    response = client.patch(
        url, headers=headers, json={"bio": "I work with anxiety.", "languages": ["en", "fr"]}
    )
    assert response.status_code == 200
    assert response.get_json()["languages"] == ["en", "fr"]
    denied = client.patch(url, headers=headers, json={"max_caseload": 400, "risk_trained": True})
    assert denied.status_code == 403
    assert set(denied.get_json()["errors"]) == {"max_caseload", "risk_trained"}
    assert client.get(url).get_json()["risk_trained"] is False


def test_therapist_cannot_edit_a_colleague(client, session, security, clinic):
    me = make_therapist(session, security, clinic)
    colleague = make_therapist(session, security, clinic, display_name="Colleague")
    response = client.patch(
        f"/api/v1/therapists/{colleague.id}",
        headers=auth_headers(client, me.user),
        json={"bio": "hijacked"},
    )
    assert response.status_code == 403
    assert client.get(f"/api/v1/therapists/{colleague.id}").get_json()["bio"] == ""


def test_admin_edits_only_their_clinic(client, session, security, clinic):
    other_clinic = make_clinic(session)
    ours = make_therapist(session, security, clinic)
    theirs = make_therapist(session, security, other_clinic)
    admin = make_user(session, security, Role.ADMIN, clinic=clinic)
    session.commit()
    headers = auth_headers(client, admin)
    licenses = [
        {
            "jurisdiction": "US-TX",
            "license_type": "lpc",
            "number": "LPC-1",
            "expires_on": NEXT_YEAR.isoformat(),
        }
    ]
    ok = client.patch(
        f"/api/v1/therapists/{ours.id}",
        headers=headers,
        json={
            "licenses": licenses,
            "max_caseload": 30,
            "self_pay_rate_cents": 15000,
            "sliding_scale_min_cents": 9000,
        },
    )
    assert ok.status_code == 200, ok.get_json()
    assert [lic["jurisdiction"] for lic in ok.get_json()["licenses"]] == ["US-TX"]
    assert (
        client.patch(
            f"/api/v1/therapists/{theirs.id}", headers=headers, json={"bio": "x"}
        ).status_code
        == 403
    )


def test_sliding_scale_above_rate_is_422(client, session, security, clinic):
    therapist = make_therapist(session, security, clinic, self_pay_rate_cents=10000)
    admin = make_user(session, security, Role.ADMIN, clinic=clinic)
    session.commit()
    response = client.patch(
        f"/api/v1/therapists/{therapist.id}",
        headers=auth_headers(client, admin),
        json={"sliding_scale_min_cents": 12000},
    )
    assert response.status_code == 422
    assert "sliding_scale_min_cents" in response.get_json()["errors"]


def test_admin_creates_therapist_who_sets_up_their_password(client, session, security, clinic):
    admin = make_user(session, security, Role.ADMIN, clinic=clinic)
    session.commit()
    response = client.post(
        "/api/v1/therapists",
        headers=auth_headers(client, admin),
        json={
            "email": "New.Therapist@Example.org",
            "display_name": "Dr. New",
            "timezone": "America/Chicago",
            "languages": ["en", "es"],
            "licenses": [
                {
                    "jurisdiction": "US-IL",
                    "license_type": "lcsw",
                    "number": "1",
                    "expires_on": NEXT_YEAR.isoformat(),
                }
            ],
        },
    )
    assert response.status_code == 201, response.get_json()
    body = response.get_json()
    assert body["therapist"]["clinic_id"] == str(clinic.id)
    setup = client.post(
        "/api/v1/auth/setup",
        json={"setup_token": body["setup_token"], "password": "my-own-passphrase-1"},
    )
    assert setup.status_code == 200
    assert setup.get_json()["user"]["email"] == "new.therapist@example.org"
    assert listed_names(client, "jurisdiction=IL&language=es") == ["Dr. New"]


def test_duplicate_license_is_422(client, session, security, clinic):
    admin = make_user(session, security, Role.ADMIN, clinic=clinic)
    session.commit()
    lic = {
        "jurisdiction": "US-IL",
        "license_type": "lcsw",
        "number": "1",
        "expires_on": NEXT_YEAR.isoformat(),
    }
    response = client.post(
        "/api/v1/therapists",
        headers=auth_headers(client, admin),
        json={
            "email": "dup@example.org",
            "display_name": "D",
            "timezone": "America/Chicago",
            "licenses": [lic, lic],
        },
    )
    assert response.status_code == 422


def test_vocabularies_are_served(client):
    body = client.get("/api/v1/vocabularies").get_json()
    assert {"code": "US-CA", "label": "California, United States"} in body["jurisdictions"]
    assert {"code": "es", "label": "Spanish"} in body["languages"]
    assert any(entry["code"] == "cbt" for entry in body["modalities"])
    codes = [entry["code"] for entry in body["jurisdictions"]]
    assert len(codes) == len(set(codes)) > 51  # US states and DC, and places abroad
