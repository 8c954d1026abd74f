"""Coding, superbills, good-faith estimates and the billing identity over HTTP."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from app.audit import AuditEvent
from billing.payments.models import Purpose
from scheduling.appointments.models import AppointmentStatus
from tests.factories import auth_headers, make_client
from tests.paperwork_helpers import (
    days_ago,
    held_session,
    make_billable_client,
    make_practice,
    pay,
)
from tests.scheduling_factories import future_hour, iso, open_hours

API = "/api/v1"


@pytest.fixture
def practice(session, security):
    return make_practice(session, security)


def _put_coding(client, headers, appointment_id, codes=("f41.1",), kind="individual"):
    return client.put(
        f"{API}/appointments/{appointment_id}/coding",
        json={"diagnosis_codes": list(codes), "service_kind": kind},
        headers=headers,
    )


def test_therapist_codes_a_session_and_the_client_gets_its_superbill(
    client, session, security, practice
):
    patient = make_billable_client(session, security)
    first = held_session(session, practice, patient, starts_at=days_ago(20))
    second = held_session(session, practice, patient, starts_at=days_ago(10), minutes=60)
    pay(session, second, 20_000, refunded=5_000)
    pay(session, second, 9_000, purpose=Purpose.LATE_CANCELLATION_FEE)
    therapist = auth_headers(client, practice.therapist.user)
    for appointment in (first, second):
        response = _put_coding(client, therapist, appointment.id, codes=("f41.1", "Z63.0"))
        assert response.status_code == 200, response.get_json()
    assert response.get_json()["diagnosis_codes"] == ["F41.1", "Z63.0"]
    got = client.get(f"{API}/appointments/{second.id}/coding", headers=therapist)
    assert got.status_code == 200
    assert got.get_json()["service_kind"] == "individual"

    mine = auth_headers(client, patient.user)
    bill = client.get(f"{API}/appointments/{second.id}/superbill", headers=mine).get_json()
    [line] = bill["lines"]
    assert line["cpt_code"] == "90837"
    assert (line["place_of_service"], line["modifier"]) == ("10", "95")
    assert (line["fee"], line["paid"], line["currency"]) == (20_000, 15_000, "USD")
    assert line["diagnosis_codes"] == ["F41.1", "Z63.0"]
    assert bill["patient"] == {"legal_name": "Jordan Lee", "date_of_birth": "1990-04-02"}
    assert bill["provider"]["npi"] == "1234567893"
    assert bill["provider"]["license_jurisdiction"] == "US-CA"
    assert 9_000 not in (bill["total_fee"], bill["total_paid"])

    listed = client.get(
        f"{API}/superbills",
        query_string={
            "from": days_ago(25).date().isoformat(),
            "to": days_ago(1).date().isoformat(),
        },
        headers=mine,
    ).get_json()["items"]
    assert [line["cpt_code"] for line in listed[0]["lines"]] == ["90791", "90837"]

    pdf = client.get(f"{API}/appointments/{second.id}/superbill.pdf", headers=mine)
    assert pdf.status_code == 200
    assert pdf.mimetype == "application/pdf"
    assert pdf.data.startswith(b"%PDF-")


def test_coding_errors_and_access(client, session, security, practice):
    patient = make_billable_client(session, security)
    held = held_session(session, practice, patient, starts_at=days_ago(10))
    booked = held_session(
        session, practice, patient, starts_at=days_ago(9), status=AppointmentStatus.BOOKED
    )
    therapist = auth_headers(client, practice.therapist.user)
    bad = _put_coding(client, therapist, held.id, codes=("F41-1",))
    assert bad.status_code == 422
    assert "ICD-10-CM" in bad.get_json()["message"]
    too_many = _put_coding(client, therapist, held.id, codes=[f"F{n}.1" for n in range(10, 23)])
    assert too_many.status_code == 422
    assert _put_coding(client, therapist, booked.id).status_code == 409
    assert client.get(f"{API}/appointments/{held.id}/coding", headers=therapist).status_code == 404
    other = make_practice(session, security, "Other Place", display_name="Dr. Other")
    outsider = auth_headers(client, other.therapist.user)
    assert _put_coding(client, outsider, held.id).status_code == 404
    assert _put_coding(client, auth_headers(client, patient.user), held.id).status_code == 403


def test_superbill_asks_for_the_legal_identity_first(client, session, security, practice):
    patient = make_client(session, security)
    held = held_session(session, practice, patient, starts_at=days_ago(10))
    _put_coding(client, auth_headers(client, practice.therapist.user), held.id)
    mine = auth_headers(client, patient.user)
    missing = client.get(f"{API}/appointments/{held.id}/superbill", headers=mine)
    assert missing.status_code == 422
    assert "billing-identity" in missing.get_json()["message"]
    assert missing.get_json()["errors"] == {"missing": ["legal_name", "date_of_birth"]}
    future = (days_ago(-30)).date().isoformat()
    refused = client.put(
        f"{API}/me/billing-identity",
        json={"legal_name": "Sam Rivera", "date_of_birth": future},
        headers=mine,
    )
    assert refused.status_code == 422
    saved = client.put(
        f"{API}/me/billing-identity",
        json={"legal_name": "  Sam Rivera ", "date_of_birth": "1985-01-31"},
        headers=mine,
    )
    assert saved.status_code == 200
    assert saved.get_json() == {"legal_name": "Sam Rivera", "date_of_birth": "1985-01-31"}
    bill = client.get(f"{API}/appointments/{held.id}/superbill", headers=mine)
    assert bill.status_code == 200
    assert bill.get_json()["patient"]["legal_name"] == "Sam Rivera"


def test_another_clients_paperwork_does_not_exist_for_you(client, session, security, practice):
    alice = make_billable_client(session, security)
    bob = make_billable_client(session, security, legal_name="Bob Stone")
    held = held_session(session, practice, alice, starts_at=days_ago(10))
    _put_coding(client, auth_headers(client, practice.therapist.user), held.id)
    estimate = client.post(
        f"{API}/good-faith-estimates",
        json={
            "therapist_id": str(practice.therapist.id),
            "session_type_id": str(practice.session_type.id),
        },
        headers=auth_headers(client, alice.user),
    ).get_json()
    other = make_practice(session, security, "Far Clinic", display_name="Dr. Far")
    for user in (bob.user, other.therapist.user, other.admin):
        headers = auth_headers(client, user)
        for path in (
            f"/appointments/{held.id}/superbill",
            f"/appointments/{held.id}/superbill.pdf",
            f"/good-faith-estimates/{estimate['id']}",
            f"/good-faith-estimates/{estimate['id']}.pdf",
        ):
            assert client.get(f"{API}{path}", headers=headers).status_code == 404, (user, path)
    bob_headers = auth_headers(client, bob.user)
    query = {"client_id": str(alice.id)}
    assert (
        client.get(f"{API}/superbills", query_string=query, headers=bob_headers).status_code == 404
    )
    far_admin = auth_headers(client, other.admin)
    for path in ("/superbills", "/good-faith-estimates"):
        assert client.get(f"{API}{path}", query_string=query, headers=far_admin).status_code == 404
    admin = auth_headers(client, practice.admin)
    listed = client.get(f"{API}/good-faith-estimates", query_string=query, headers=admin)
    assert [e["id"] for e in listed.get_json()["items"]] == [estimate["id"]]
    assert client.get(f"{API}/superbills", headers=admin).status_code == 422  # whose?


def test_requested_estimate_json_and_pdf(client, session, security, practice):
    patient = make_billable_client(session, security, legal_name="Mia Chen")
    mine = auth_headers(client, patient.user)
    created = client.post(
        f"{API}/good-faith-estimates",
        json={
            "therapist_id": str(practice.therapist.id),
            "session_type_id": str(practice.session_type.id),
            "expected_sessions": 3,
        },
        headers=mine,
    )
    assert created.status_code == 201, created.get_json()
    body = created.get_json()
    assert [(i["cpt"], i["quantity"], i["amount"]) for i in body["items"]] == [
        ("90791", 1, 15_000),
        ("90834", 2, 30_000),
    ]
    assert (body["total"], body["currency"], body["expected_sessions"]) == (45_000, "USD", 3)
    assert (body["billed"], body["exceeds_estimate_by"], body["flagged"]) == (0, 0, False)
    assert body["patient_name"] == "Mia Chen"
    assert body["provider"]["tax_id"] == "12-3456789"
    assert "https://www.cms.gov/nosurprises" in body["disclaimer"]
    pdf = client.get(f"{API}/good-faith-estimates/{body['id']}.pdf", headers=mine)
    assert pdf.status_code == 200
    assert pdf.mimetype == "application/pdf"
    assert pdf.data.startswith(b"%PDF-")
    too_many = client.post(
        f"{API}/good-faith-estimates",
        json={
            "therapist_id": str(practice.therapist.id),
            "session_type_id": str(practice.session_type.id),
            "expected_sessions": 53,
        },
        headers=mine,
    )
    assert too_many.status_code == 422
    audit = session.scalars(
        select(AuditEvent.action).where(AuditEvent.resource_type == "good_faith_estimate")
    ).all()
    assert sorted(audit) == ["create", "read"]


def test_superbill_range_rejects_bad_dates(client, session, security, practice):
    patient = make_billable_client(session, security)
    mine = auth_headers(client, patient.user)
    bad = client.get(f"{API}/superbills", query_string={"from": "yesterday"}, headers=mine)
    assert bad.status_code == 422
    inverted = {"from": "2026-03-02", "to": "2026-03-01"}
    backwards = client.get(f"{API}/superbills", query_string=inverted, headers=mine)
    assert backwards.status_code == 422
    assert "from" in backwards.get_json()["errors"]["query"]
    empty = client.get(
        f"{API}/superbills",
        query_string={"from": (days_ago(3) + timedelta(days=1)).date().isoformat()},
        headers=mine,
    )
    assert empty.status_code == 200
    assert empty.get_json()["items"] == []


def test_booking_a_first_session_issues_an_estimate_once(client, session, security, practice):
    open_hours(session, practice.therapist)
    patient = make_billable_client(session, security)
    mine = auth_headers(client, patient.user)
    for days in (2, 3):
        booked = client.post(
            f"{API}/appointments",
            json={
                "therapist_id": str(practice.therapist.id),
                "session_type_id": str(practice.session_type.id),
                "start": iso(future_hour(days=days)),
            },
            headers=mine,
        )
        assert booked.status_code == 201, booked.get_json()
    estimates = client.get(f"{API}/good-faith-estimates", headers=mine).get_json()["items"]
    assert len(estimates) == 1
    assert estimates[0]["total"] == 12 * 15_000
    assert [item["cpt"] for item in estimates[0]["items"]] == ["90791", "90834"]
