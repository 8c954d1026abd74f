"""Who read or changed health information: rows written by each flow, the clinic's log, the
client's access log; expectations written out by hand."""

from __future__ import annotations

import csv
import io
import uuid
from dataclasses import dataclass

import pytest
from sqlalchemy import select

from app.audit import AuditEvent
from app.directory.models import ClientProfile, TherapistProfile
from app.identity.models import Role, User
from tests.factories import auth_headers, make_client, make_clinic, make_therapist, make_user
from tests.scheduling_factories import future_hour, iso, make_session_type, open_hours


@dataclass
class Practice:
    therapist: TherapistProfile
    clients: list[ClientProfile]
    admin: User
    therapist_headers: dict
    client_headers: list[dict]
    admin_headers: dict
    appointment_ids: list[str]


@pytest.fixture
def practice(client, session, security) -> Practice:
    clinic = make_clinic(session)
    therapist = make_therapist(session, security, clinic, display_name="=HYPERLINK(1)")
    open_hours(session, therapist)
    session_type = make_session_type(session, therapist)
    clients = [make_client(session, security, display_name=f"Client {n}") for n in range(2)]
    admin = make_user(session, security, Role.ADMIN, clinic=clinic)
    session.commit()
    client_headers = [auth_headers(client, c.user) for c in clients]
    ids = []
    for hour, headers in zip((10, 12), client_headers, strict=True):
        booked = client.post(
            "/api/v1/appointments",
            headers=headers,
            json={
                "therapist_id": str(therapist.id),
                "session_type_id": str(session_type.id),
                "start": iso(future_hour(hour=hour)),
            },
        )
        assert booked.status_code == 201, booked.get_json()
        ids.append(booked.get_json()["id"])
    return Practice(
        therapist,
        clients,
        admin,
        auth_headers(client, therapist.user),
        client_headers,
        auth_headers(client, admin),
        ids,
    )


def rows_of(session, request_id: str) -> list[tuple]:
    return [
        (e.actor_user_id, e.action, e.resource_type, e.subject_client_id, e.clinic_id)
        for e in session.scalars(
            select(AuditEvent)
            .where(AuditEvent.request_id == request_id)
            .order_by(AuditEvent.subject_client_id)
        )
    ]


def test_booking_a_list_read_and_a_single_read_write_exactly_these_rows(client, session, practice):
    therapist, (first, second) = practice.therapist, practice.clients
    clinic = therapist.clinic_id
    booked = session.scalars(
        select(AuditEvent).where(AuditEvent.action == "appointment.created")
    ).all()
    assert sorted((e.actor_user_id, e.subject_client_id, e.clinic_id) for e in booked) == sorted(
        [(first.user_id, first.id, clinic), (second.user_id, second.id, clinic)]
    )
    listed = client.get("/api/v1/appointments", headers=practice.therapist_headers)
    assert len(listed.get_json()["items"]) == 2
    expected = sorted(
        [
            (therapist.user_id, "list", "appointments", first.id, clinic),
            (therapist.user_id, "list", "appointments", second.id, clinic),
        ],
        key=lambda row: row[3],
    )
    assert rows_of(session, listed.headers["X-Request-ID"]) == expected
    one = client.get(
        f"/api/v1/appointments/{practice.appointment_ids[0]}", headers=practice.therapist_headers
    )
    assert rows_of(session, one.headers["X-Request-ID"]) == [
        (therapist.user_id, "read", "appointment", first.id, clinic)
    ]


def test_public_directory_reads_write_nothing(client, session, practice):
    before = session.query(AuditEvent).count()
    for path in (
        "/api/v1/therapists",
        f"/api/v1/therapists/{practice.therapist.id}",
        "/api/v1/clinics",
        "/api/v1/vocabularies",
    ):
        assert client.get(path).status_code == 200
    assert session.query(AuditEvent).count() == before


def audit(client, practice, **query):
    return client.get(
        f"/api/v1/clinics/{practice.therapist.clinic_id}/audit",
        headers=practice.admin_headers,
        query_string=query,
    )


def test_the_clinic_log_filters_pages_with_true_totals_and_audits_itself(client, session, practice):
    first = practice.clients[0]
    client.get("/api/v1/appointments", headers=practice.therapist_headers)
    mine = audit(client, practice, client_id=str(first.id), page_size=1)
    body = mine.get_json()
    expected = session.scalars(
        select(AuditEvent.id)
        .where(AuditEvent.subject_client_id == first.id)
        .order_by(AuditEvent.at.desc(), AuditEvent.id.desc())
    ).all()
    actions = session.scalars(
        select(AuditEvent.action).where(AuditEvent.subject_client_id == first.id)
    ).all()
    # the booking, the good-faith estimate it issued (self-pay), the therapist's list
    assert sorted(actions) == ["appointment.created", "create", "list"]
    assert body["total"] == len(expected) == 3
    assert [row["id"] for row in body["items"]] == [str(expected[0])]
    second_page = audit(client, practice, client_id=str(first.id), page_size=1, page=2)
    assert [row["id"] for row in second_page.get_json()["items"]] == [str(expected[1])]
    lists = audit(client, practice, action="list", resource_type="appointments").get_json()
    assert lists["total"] == 2
    assert {row["actor_name"] for row in lists["items"]} == {"=HYPERLINK(1)"}
    assert {row["actor_role"] for row in lists["items"]} == {"therapist"}
    looked = session.scalars(
        select(AuditEvent).where(AuditEvent.resource_type == "audit_log")
    ).all()
    assert [(e.actor_user_id, e.action) for e in looked] == [(practice.admin.id, "read")] * 3


def test_the_csv_holds_every_row_beyond_a_page_and_defuses_formulas(client, session, practice):
    for _ in range(3):
        client.get("/api/v1/appointments", headers=practice.therapist_headers)
    total = audit(client, practice, page_size=1).get_json()["total"]
    exported = audit(client, practice, format="csv", page_size=1)
    assert exported.mimetype == "text/csv"
    rows = list(csv.DictReader(io.StringIO(exported.get_data(as_text=True))))
    assert len(rows) == total + 2  # the page read and the export itself are rows by then
    names = {row["actor_name"] for row in rows if row["actor_role"] == "therapist"}
    assert names == {"'=HYPERLINK(1)"}


def test_another_clinic_and_staff_who_are_not_its_admins_see_no_log(
    client, session, security, practice
):
    stranger = make_user(session, security, Role.ADMIN, clinic=make_clinic(session))
    for headers in (auth_headers(client, stranger), practice.therapist_headers):
        response = client.get(
            f"/api/v1/clinics/{practice.therapist.clinic_id}/audit", headers=headers
        )
        assert response.status_code in (403, 404)
    unknown = client.get(f"/api/v1/clinics/{uuid.uuid4()}/audit", headers=practice.admin_headers)
    assert unknown.status_code == 404
    bad = audit(client, practice, page_size=201)
    assert bad.status_code == 422


def test_a_client_sees_who_looked_at_their_record_and_nothing_of_anyone_else(
    client, session, practice
):
    first, second = practice.clients
    client.get(
        f"/api/v1/appointments/{practice.appointment_ids[0]}", headers=practice.therapist_headers
    )
    client.get(
        f"/api/v1/appointments/{practice.appointment_ids[1]}", headers=practice.therapist_headers
    )
    log = client.get("/api/v1/me/access-log", headers=practice.client_headers[0]).get_json()
    subjects = session.scalars(
        select(AuditEvent.id).where(AuditEvent.subject_client_id == first.id)
    ).all()
    assert log["total"] == len(subjects) - 1  # the access-log read itself lands after the count
    assert {row["subject_client_id"] for row in log["items"]} == {str(first.id)}
    therapist_reads = [
        row for row in log["items"] if row["actor_role"] == "therapist" and row["action"] == "read"
    ]
    assert [(r["actor_name"], r["resource_type"], r["by_you"]) for r in therapist_reads] == [
        ("=HYPERLINK(1)", "appointment", False)
    ]
    assert any(row["by_you"] for row in log["items"])  # their own booking
    assert str(second.id) not in str(log)
    staff = client.get("/api/v1/me/access-log", headers=practice.therapist_headers)
    assert staff.status_code == 403
