"""Role x endpoint matrix, object-level checks across users, and PHI audit logging."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from sqlalchemy import select

from app.audit import AuditEvent
from app.identity.models import Role
from tests.factories import auth_headers, make_client, make_clinic, make_therapist, make_user


@dataclass
class World:
    clinic_id: str
    therapist_id: str
    headers: dict[str, dict[str, str]]


@pytest.fixture
def world(client, session, security) -> World:
    clinic = make_clinic(session)
    therapist = make_therapist(session, security, clinic)
    admin = make_user(session, security, Role.ADMIN, clinic=clinic)
    patient = make_client(session, security)
    session.commit()
    return World(
        clinic_id=str(clinic.id),
        therapist_id=str(therapist.id),
        headers={
            "anonymous": {},
            "client": auth_headers(client, patient.user),
            "therapist": auth_headers(client, therapist.user),
            "admin": auth_headers(client, admin),
        },
    )


ROLES = ("anonymous", "client", "therapist", "admin")
# method, path, json body, expected status for anonymous / client / therapist / admin
MATRIX = [
    ("GET", "/api/v1/vocabularies", None, (200, 200, 200, 200)),
    ("GET", "/api/v1/therapists", None, (200, 200, 200, 200)),
    ("GET", "/api/v1/therapists/{therapist_id}", None, (200, 200, 200, 200)),
    ("GET", "/api/v1/clinics", None, (200, 200, 200, 200)),
    ("GET", "/api/v1/clinics/{clinic_id}", None, (200, 200, 200, 200)),
    (
        "POST",
        "/api/v1/therapists",
        {"email": "matrix@example.org", "display_name": "M", "timezone": "UTC"},
        (401, 403, 403, 201),
    ),
    ("PATCH", "/api/v1/therapists/{therapist_id}", {"bio": "Updated"}, (401, 403, 200, 200)),
    ("DELETE", "/api/v1/therapists/{therapist_id}", None, (401, 403, 403, 204)),
    ("GET", "/api/v1/me", None, (401, 200, 200, 200)),
    ("PATCH", "/api/v1/me", {"display_name": "Sky"}, (401, 200, 403, 403)),
    ("DELETE", "/api/v1/me", None, (401, 204, 403, 403)),
    ("PATCH", "/api/v1/clinics/{clinic_id}", {"name": "Renamed"}, (401, 403, 403, 200)),
    (
        "POST",
        "/api/v1/clinics/{clinic_id}/admins",
        {"email": "a2@example.org"},
        (401, 403, 403, 201),
    ),
    ("POST", "/api/v1/auth/logout", None, (401, 204, 204, 204)),
]


@pytest.mark.parametrize(
    ("method", "path", "body", "expected"), MATRIX, ids=[f"{m} {p}" for m, p, _, _ in MATRIX]
)
@pytest.mark.parametrize("role", ROLES)
def test_role_matrix(client, world, method, path, body, expected, role):
    url = path.format(clinic_id=world.clinic_id, therapist_id=world.therapist_id)
    response = client.open(url, method=method, json=body, headers=world.headers[role])
    assert response.status_code == expected[ROLES.index(role)], response.get_json()


def test_admin_of_another_clinic_gets_404_for_clinic_management(client, session, security, world):
    other = make_clinic(session)
    outsider = make_user(session, security, Role.ADMIN, clinic=other)
    session.commit()
    headers = auth_headers(client, outsider)
    url = f"/api/v1/clinics/{world.clinic_id}"
    assert client.patch(url, headers=headers, json={"name": "Taken over"}).status_code == 404
    assert (
        client.post(
            f"{url}/admins", headers=headers, json={"email": "mole@example.org"}
        ).status_code
        == 404
    )
    missing = "/api/v1/clinics/00000000-0000-0000-0000-000000000000"
    assert client.patch(missing, headers=headers, json={"name": "x"}).status_code == 404


def test_clients_only_ever_see_their_own_profile(client, session, security):
    first, second = (
        make_client(session, security, display_name="First"),
        make_client(session, security, display_name="Second"),
    )
    me = client.get("/api/v1/me", headers=auth_headers(client, second.user)).get_json()
    assert me["client_profile"]["display_name"] == "Second"
    assert str(first.id) not in str(me)


def test_reading_a_client_profile_is_audit_logged(client, session, security):
    patient = make_client(session, security)
    headers = auth_headers(client, patient.user)
    response = client.get("/api/v1/me", headers={**headers, "X-Request-ID": "req-audit-0001"})
    assert response.headers["X-Request-ID"] == "req-audit-0001"
    events = session.scalars(select(AuditEvent).where(AuditEvent.resource_id == patient.id)).all()
    assert [(e.action, e.actor_user_id, e.request_id) for e in events] == [
        ("read", patient.user.id, "req-audit-0001")
    ]


def test_clinic_calendar_name_must_be_neutral(client, session, security):
    clinic = make_clinic(session)
    admin = make_user(session, security, Role.ADMIN, clinic=clinic)
    session.commit()
    headers = auth_headers(client, admin)
    url = f"/api/v1/clinics/{clinic.id}"
    refused = client.patch(url, headers=headers, json={"calendar_name": "Calm Therapy Group"})
    assert refused.status_code == 422
    assert "therapy" in str(refused.get_json()["errors"])
    accepted = client.patch(url, headers=headers, json={"calendar_name": "Calm Harbor"})
    assert accepted.get_json()["calendar_name"] == "Calm Harbor"
