"""`GET /me/export`: everything held about the caller, and nothing about anyone else."""

from __future__ import annotations

import json
import uuid

from app.db.base import Base
from app.mail.delivery import queue_email
from app.privacy_rights.export import EXPORTS
from app.web.extensions import app_adapters
from billing.ledger.models import EntryKind, LedgerEntry
from tests.api.test_matching import intake_body
from tests.factories import auth_headers, make_client, make_clinic, make_therapist
from tests.scheduling_factories import future_hour, iso, make_session_type, open_hours

PRIVATE = "The river stone note, written only by this person."


def test_every_table_that_refers_to_a_person_is_exported(app):
    covered = app_adapters(app).get(EXPORTS).covered_tables()
    people = {"users", "client_profiles"}
    referring = {
        table.name
        for table in Base.metadata.sorted_tables
        for column in table.columns
        for key in column.foreign_keys
        if key.column.table.name in people
    }
    missing = sorted((referring | people) - covered)
    assert not missing, f"add exporters (app/privacy_rights) for: {missing}"


def build_person(client, session, security, therapist, session_type, hour: int, text: str):
    person = make_client(session, security)
    headers = auth_headers(client, person.user)
    intake = client.post("/api/v1/intakes", headers=headers, json=intake_body(free_text=text))
    assert intake.status_code == 201
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
    session.add(
        LedgerEntry(
            clinic_id=therapist.clinic_id,
            client_id=person.id,
            therapist_id=therapist.id,
            kind=EntryKind.CHARGE,
            amount=12_000,
            currency="USD",
            at=future_hour(hour=hour),
            posting_key=uuid.uuid4().hex,
            memo="Appointment",
        )
    )
    session.commit()
    return person, headers, intake.get_json()["id"], booked.get_json()["id"]


def test_the_export_holds_the_persons_data_decrypted_and_no_one_elses(client, session, security):
    therapist = make_therapist(session, security, make_clinic(session))
    open_hours(session, therapist)
    session_type = make_session_type(session, therapist)
    person, headers, intake_id, appointment_id = build_person(
        client, session, security, therapist, session_type, 10, PRIVATE
    )
    other, _, other_intake, other_appointment = build_person(
        client, session, security, therapist, session_type, 12, "Someone else's words."
    )
    for who in (person, other):
        queue_email(
            session=session,
            to=who.user.email,
            subject="Appointment confirmed",
            text="See you then.",
            dedupe_key=f"test:{who.id}",
        )
    session.commit()
    response = client.get("/api/v1/me/export", headers=headers)
    assert response.status_code == 200
    export = response.get_json()
    assert export["client_id"] == str(person.id)
    assert [row["display_name"] for row in export["client_profile"]] == ["River"]
    assert [(row["id"], row["free_text"]) for row in export["intakes"]] == [(intake_id, PRIVATE)]
    assert [row["id"] for row in export["appointments"]] == [appointment_id]
    assert {row["action"] for row in export["appointment_events"]} == {"created"}
    assert [row["amount"] for row in export["ledger_entries"]] == [12_000]
    assert [
        (row["payload"]["to"], row["payload"]["subject"]) for row in export["emails_to_you"]
    ] == [(person.user.email, "Appointment confirmed")]
    assert {"create", "appointment.created"} <= {
        row["action"] for row in export["who_accessed_your_record"]
    }
    text = json.dumps(export)
    for leaked in (
        str(other.id),
        other_intake,
        other_appointment,
        "Someone else",
        other.user.email,
    ):
        assert leaked not in text
    for secret in ("password_hash", "token_hash", "free_text_encrypted", "argon2"):
        assert secret not in text


def test_staff_get_their_own_account_and_no_client_sections(client, session, security):
    therapist = make_therapist(session, security, make_clinic(session))
    export = client.get(
        "/api/v1/me/export", headers=auth_headers(client, therapist.user)
    ).get_json()
    assert export["client_id"] is None
    assert [row["id"] for row in export["therapist_profile"]] == [str(therapist.id)]
    assert export["intakes"] == export["appointments"] == []
    assert export["authenticator"][0]["confirmed_at"]  # enrolled at login; its secret is not shown
    assert "secret" not in export["authenticator"][0]
