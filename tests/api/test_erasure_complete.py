"""Erasure leaves no personal data in any table, apart from the documented billing minimum.

A client with everything (profile, legal name, intake free text, a consent with address and
browser, a booking, a declined match with a reason, a pending address change, an authenticator)
erases their account; after the worker ran, every text, JSON and string column of every table is
searched for anything that could identify them.
"""

from __future__ import annotations

import json

from sqlalchemy import select

from app.db.base import Base
from app.identity.models import Role
from matching.intake.models import Intake
from tests.api.test_matching import intake_body
from tests.delivery_helpers import RecordingMailer, drain, worker_for
from tests.factories import (
    auth_headers,
    enrol_authenticator,
    login,
    make_client,
    make_clinic,
    make_therapist,
    make_user,
)
from tests.scheduling_factories import future_hour, iso, make_session_type, open_hours

MARKERS = (
    "Marguerite Unique",
    "Marguerite Q. Person",
    "1980-02-03",
    "DECLINE-REASON-555",
    "UA-UNIQUE-987",
    "203.0.113.77",
    "pending-unique@example.org",
    "ALIAS-PEREGRINE-42",
    "REPORT-UNIQUE-31",
)
# The billing minimum kept by law (see README, "Privacy"): amounts, dates and ids only; none of
# these columns may hold any marker, so nothing is allowed here.
ALLOWED: set[tuple[str, str]] = set()


def everything_stored(session) -> list[tuple[str, str, str]]:
    """(table, column, value as text) for every non-empty text-like value in the database."""
    found = []
    for table in Base.metadata.sorted_tables:
        for row in session.execute(select(table)).mappings():
            for column, value in row.items():
                if value is None or isinstance(value, bytes | int | float | bool):
                    continue
                text = json.dumps(value) if isinstance(value, dict | list) else str(value)
                found.append((table.name, column, text))
    return found


def test_erasure_leaves_nothing_that_identifies_the_person(
    app, client, session, security, session_factory
):
    clinic = make_clinic(session)
    therapist = make_therapist(session, security, clinic)
    open_hours(session, therapist)
    session_type = make_session_type(session, therapist)
    admin = make_user(session, security, Role.ADMIN, clinic=clinic)
    person = make_client(session, security, display_name="Marguerite Unique")
    email = person.user.email
    tokens = login(client, email)
    headers = auth_headers(client, person.user)
    enrol_authenticator(client, tokens, email)
    assert (
        client.put(
            "/api/v1/me/billing-identity",
            headers=headers,
            json={"legal_name": "Marguerite Q. Person", "date_of_birth": "1980-02-03"},
        ).status_code
        == 200
    )
    intake = client.post(
        "/api/v1/intakes", headers=headers, json=intake_body(free_text="SECRET-FREE-TEXT-123")
    ).get_json()
    declined = client.post(
        f"/api/v1/intakes/{intake['id']}/declined",
        headers=headers,
        json={"therapist_id": str(therapist.id), "reason": "DECLINE-REASON-555"},
    )
    assert declined.status_code in (200, 201, 204)
    document = client.post(
        f"/api/v1/clinics/{clinic.id}/consent-documents",
        headers=auth_headers(client, admin),
        json={"kind": "telehealth_consent", "title": "Consent", "body": "Text."},
    ).get_json()
    accepted = client.post(
        "/api/v1/me/consents",
        headers={**headers, "User-Agent": "UA-UNIQUE-987"},
        json={"document_ids": [document["id"]]},
        environ_base={"REMOTE_ADDR": "203.0.113.77"},
    )
    assert accepted.status_code == 201
    booked = client.post(
        "/api/v1/appointments",
        headers=headers,
        json={
            "therapist_id": str(therapist.id),
            "session_type_id": str(session_type.id),
            "start": iso(future_hour()),
        },
    )
    assert booked.status_code == 201
    group_type = make_session_type(session, therapist, name="Group", is_group=True, capacity=4)
    hosted = client.post(
        "/api/v1/groups",
        headers=auth_headers(client, therapist.user),
        json={
            "therapist_id": str(therapist.id),
            "session_type_id": str(group_type.id),
            "kind": "peer",
            "title": "Circle",
            "topic": "anxiety",
            "language": "en",
            "age_group": "adults",
            "cadence": "weekly",
            "first_start": iso(future_hour(days=4, hour=12)),
            "occurrences": 1,
            "guidelines": "Be kind.",
        },
    ).get_json()
    joined = client.post(
        f"/api/v1/groups/{hosted['id']}/members",
        headers=headers,
        json={"alias": "ALIAS-PEREGRINE-42", "guidelines_version": 1},
    )
    assert joined.status_code == 201, joined.get_json()
    meeting = hosted["next_meetings"][0]["id"]
    reported = client.post(
        f"/api/v1/groups/{hosted['id']}/meetings/{meeting}/reports",
        headers=headers,
        json={"reason": "REPORT-UNIQUE-31"},
    )
    assert reported.status_code == 201
    moving = client.post(
        "/api/v1/auth/email",
        headers=headers,
        json={
            "new_email": "pending-unique@example.org",
            "current_password": "correct-horse-battery-staple",
        },
    )
    assert moving.status_code == 202
    drain(worker_for(app, session_factory, RecordingMailer()))  # confirmations went out
    before = everything_stored(session)
    assert {m for m in MARKERS if any(m in text for _, _, text in before)} == set(MARKERS)

    assert client.delete("/api/v1/me", headers=headers).status_code == 204
    drain(worker_for(app, session_factory, RecordingMailer()))  # account.erased handled
    leftovers = [
        (table, column, marker)
        for table, column, text in everything_stored(session)
        for marker in (*MARKERS, email)
        if marker in text and (table, column) not in ALLOWED
    ]
    assert leftovers == []
    stored = session.scalars(
        select(Intake.free_text_encrypted).where(Intake.client_id == person.id)
    )
    assert list(stored) == [None]  # the free text (stored encrypted) is destroyed too
