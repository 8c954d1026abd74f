"""Consent documents: versions published by clinics, accepted by clients before booking."""

from __future__ import annotations

import uuid

import pytest
from sqlalchemy import select

from app.consent.models import ConsentAcceptance
from app.identity.models import Role
from tests.api.test_series_and_groups import host, series
from tests.factories import auth_headers, make_client, make_clinic, make_therapist, make_user
from tests.scheduling_factories import future_hour, iso, make_session_type, open_hours

BROWSER = "Mozilla/5.0 (X11; Linux x86_64) ExampleBrowser/1.0"


@pytest.fixture
def clinic_setup(client, session, security):
    clinic = make_clinic(session)
    therapist = make_therapist(session, security, clinic)
    open_hours(session, therapist)
    session_type = make_session_type(session, therapist, horizon_days=365)
    admin = make_user(session, security, Role.ADMIN, clinic=clinic)
    person = make_client(session, security)
    return {
        "clinic": clinic,
        "therapist": therapist,
        "session_type": session_type,
        "admin": auth_headers(client, admin),
        "client": auth_headers(client, person.user),
        "person": person,
        "therapist_headers": auth_headers(client, therapist.user),
    }


def publish(client, setup, kind: str, title: str = "Telehealth consent", body: str = "Text."):
    return client.post(
        f"/api/v1/clinics/{setup['clinic'].id}/consent-documents",
        headers=setup["admin"],
        json={"kind": kind, "title": title, "body": body},
    )


def book(client, setup, hour: int):
    return client.post(
        "/api/v1/appointments",
        headers=setup["client"],
        json={
            "therapist_id": str(setup["therapist"].id),
            "session_type_id": str(setup["session_type"].id),
            "start": iso(future_hour(hour=hour)),
        },
    )


def accept(client, setup, *ids: str):
    return client.post(
        "/api/v1/me/consents",
        headers={**setup["client"], "User-Agent": BROWSER},
        json={"document_ids": list(ids)},
        environ_base={"REMOTE_ADDR": "203.0.113.9"},
    )


def test_versions_are_numbered_per_kind_and_listed_newest_first(client, clinic_setup):
    first = publish(client, clinic_setup, "telehealth_consent").get_json()
    second = publish(client, clinic_setup, "telehealth_consent", body="Revised.").get_json()
    money = publish(client, clinic_setup, "financial_policy", "Fees").get_json()
    assert (first["version"], second["version"], money["version"]) == (1, 2, 1)
    listed = client.get(f"/api/v1/clinics/{clinic_setup['clinic'].id}/consent-documents")
    assert [(d["kind"], d["version"]) for d in listed.get_json()["items"]] == [
        ("financial_policy", 1),
        ("telehealth_consent", 2),
        ("telehealth_consent", 1),
    ]
    one = client.get(f"/api/v1/consent-documents/{first['id']}").get_json()
    assert (one["body"], one["version"]) == ("Text.", 1)  # published versions never change


@pytest.mark.parametrize(
    "body",
    [
        {"kind": "house_rules", "title": "T", "body": "B"},
        {"kind": "privacy_notice", "title": "", "body": "B"},
        {"kind": "privacy_notice", "title": "T", "body": "x" * 100_001},
        {"kind": "privacy_notice", "title": "T", "body": "a\x00b"},
        {"kind": "privacy_notice", "title": "T"},
    ],
)
def test_malformed_documents_are_refused(client, clinic_setup, body):
    response = client.post(
        f"/api/v1/clinics/{clinic_setup['clinic'].id}/consent-documents",
        headers=clinic_setup["admin"],
        json=body,
    )
    assert response.status_code == 422
    assert {"code", "status", "message"} <= set(response.get_json())


def test_only_the_clinics_admins_publish(client, session, security, clinic_setup):
    stranger = make_user(session, security, Role.ADMIN, clinic=make_clinic(session))
    for headers, status in (
        (auth_headers(client, stranger), 404),
        (clinic_setup["therapist_headers"], 403),
        (clinic_setup["client"], 403),
    ):
        response = client.post(
            f"/api/v1/clinics/{clinic_setup['clinic'].id}/consent-documents",
            headers=headers,
            json={"kind": "privacy_notice", "title": "T", "body": "B"},
        )
        assert response.status_code == status


def test_booking_waits_for_the_current_versions_and_a_new_version_asks_again(
    client, session, clinic_setup
):
    old = publish(client, clinic_setup, "telehealth_consent").get_json()
    current = publish(client, clinic_setup, "telehealth_consent").get_json()
    money = publish(client, clinic_setup, "financial_policy", "Fees").get_json()
    refused = book(client, clinic_setup, 10)
    assert refused.status_code == 403
    assert sorted(refused.get_json()["errors"]["document_ids"]) == sorted(
        [current["id"], money["id"]]
    )
    superseded = accept(client, clinic_setup, old["id"])
    assert superseded.status_code == 409
    accepted = accept(client, clinic_setup, current["id"], money["id"], current["id"])
    assert accepted.status_code == 201
    assert len(accepted.get_json()) == 2
    rows = session.scalars(select(ConsentAcceptance)).all()
    assert {(r.ip_address, r.user_agent) for r in rows} == {("203.0.113.9", BROWSER)}
    assert accept(client, clinic_setup, money["id"]).status_code == 201  # again: a no-op
    assert len(session.scalars(select(ConsentAcceptance)).all()) == 2
    assert book(client, clinic_setup, 10).status_code == 201
    notice = publish(client, clinic_setup, "privacy_notice", "Privacy").get_json()
    again = book(client, clinic_setup, 12)
    assert again.get_json()["errors"]["document_ids"] == [notice["id"]]
    status = client.get(
        "/api/v1/me/consents",
        headers=clinic_setup["client"],
        query_string={"clinic_id": str(clinic_setup["clinic"].id)},
    ).get_json()["items"]
    assert {(s["document"]["kind"], s["accepted_at"] is not None) for s in status} == {
        ("financial_policy", True),
        ("privacy_notice", False),
        ("telehealth_consent", True),
    }
    accept(client, clinic_setup, notice["id"])
    assert book(client, clinic_setup, 12).status_code == 201


def test_series_and_group_places_need_consent_too(client, clinic_setup, session):
    current = publish(client, clinic_setup, "telehealth_consent").get_json()
    therapist, person_headers = clinic_setup["therapist"], clinic_setup["client"]
    refused = series(
        client,
        person_headers,
        therapist,
        clinic_setup["session_type"],
        future_hour(days=4),
        occurrences=2,
    )
    assert refused.status_code == 403
    group_type = make_session_type(
        session, therapist, name="Group", duration_minutes=60, is_group=True, capacity=4
    )
    group = host(client, therapist, group_type, future_hour(days=5, hour=14)).get_json()
    enroll = client.post(f"/api/v1/group-sessions/{group['id']}/enroll", headers=person_headers)
    assert enroll.status_code == 403
    assert enroll.get_json()["errors"]["document_ids"] == [current["id"]]
    accept(client, clinic_setup, current["id"])
    enrolled = client.post(f"/api/v1/group-sessions/{group['id']}/enroll", headers=person_headers)
    assert enrolled.status_code == 201


def test_the_therapist_sees_whether_their_client_consented_and_strangers_do_not(
    client, session, security, clinic_setup
):
    current = publish(client, clinic_setup, "telehealth_consent").get_json()
    accept(client, clinic_setup, current["id"])
    book(client, clinic_setup, 10)
    person = clinic_setup["person"]
    seen = client.get(
        f"/api/v1/clients/{person.id}/consents", headers=clinic_setup["therapist_headers"]
    )
    assert seen.status_code == 200
    assert [
        (s["document"]["id"], s["accepted_at"] is not None) for s in seen.get_json()["items"]
    ] == [(current["id"], True)]
    other = make_therapist(session, security, make_clinic(session))
    for headers in (auth_headers(client, other.user),):
        assert (
            client.get(f"/api/v1/clients/{person.id}/consents", headers=headers).status_code == 404
        )
    assert (
        client.get(
            f"/api/v1/clients/{uuid.uuid4()}/consents", headers=clinic_setup["therapist_headers"]
        ).status_code
        == 404
    )


def test_a_user_agent_with_control_characters_is_kept_without_them(client, session, clinic_setup):
    current = publish(client, clinic_setup, "telehealth_consent").get_json()
    accepted = client.post(
        "/api/v1/me/consents",
        headers={**clinic_setup["client"], "User-Agent": "Odd\x00Browser\x7f/1"},
        json={"document_ids": [current["id"]]},
    )
    assert accepted.status_code == 201
    assert session.scalars(select(ConsentAcceptance.user_agent)).one() == "OddBrowser/1"
