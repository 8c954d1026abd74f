"""Who may record a match's outcome: a therapist who saw the client, or their clinic's admin.

Every refusal is the same 404, whether the intake exists or not.
"""

from __future__ import annotations

import uuid
from datetime import timedelta

import pytest
from sqlalchemy import select

from app.clock import utcnow
from app.identity.models import Role
from matching.matches.models import MatchOutcome
from scheduling.appointments.models import AppointmentStatus
from scheduling.session_types.models import SessionType
from tests.api.test_matching import submit, therapist
from tests.factories import auth_headers, make_client, make_user
from tests.matching_helpers import matching_clinic
from tests.scheduling_factories import past_appointment

OUTCOME = {"domain": "anxiety", "booked": True, "sessions_attended": 4, "score_change": -5}


@pytest.fixture
def clinic(session):
    return matching_clinic(session)


@pytest.fixture
def patient(session, security):
    return make_client(session, security, jurisdiction="US-CA", age_group="adults")


@pytest.fixture
def headers(client, patient):
    return auth_headers(client, patient.user)


@pytest.fixture
def seen(session, security, clinic, patient):
    """A therapist with a booked appointment with the patient."""
    profile = therapist(session, security, clinic, "Seen")
    session_type = session.scalars(select(SessionType)).first()
    past_appointment(
        session, profile, patient, session_type, starts_at=utcnow() - timedelta(days=7)
    )
    return profile


def post(client, user, intake_id, therapist_id):
    return client.post(
        f"/api/v1/intakes/{intake_id}/outcomes",
        headers=auth_headers(client, user),
        json={"therapist_id": str(therapist_id), **OUTCOME},
    )


def test_the_therapist_who_saw_the_client_and_their_admin_record_outcomes(
    client, session, security, clinic, headers, seen
):
    intake_id = submit(client, headers)["id"]
    assert post(client, seen.user, intake_id, seen.id).status_code == 204
    admin = make_user(session, security, Role.ADMIN, clinic=clinic)
    session.commit()
    changed = {**OUTCOME, "sessions_attended": 6}
    response = client.post(
        f"/api/v1/intakes/{intake_id}/outcomes",
        headers=auth_headers(client, admin),
        json={"therapist_id": str(seen.id), **changed},
    )
    assert response.status_code == 204
    stored = session.scalars(select(MatchOutcome)).all()
    assert [(o.therapist_id, o.sessions_attended) for o in stored] == [(seen.id, 6)]


def test_every_refusal_is_the_same_404(client, session, security, clinic, headers, patient, seen):
    intake_id = submit(client, headers)["id"]
    session_type = session.scalars(select(SessionType)).first()
    colleague = therapist(session, security, clinic, "Colleague, never met the client")
    declined = therapist(session, security, clinic, "Declined")
    assert (
        client.post(
            f"/api/v1/intakes/{intake_id}/declined",
            headers=headers,
            json={"therapist_id": str(declined.id)},
        ).status_code
        == 204
    )
    cancelled = therapist(session, security, clinic, "Cancelled only")
    past_appointment(
        session,
        cancelled,
        patient,
        session_type,
        starts_at=utcnow() + timedelta(days=2),
        status=AppointmentStatus.CANCELLED,
    )
    elsewhere = matching_clinic(session)
    stranger = therapist(session, security, elsewhere, "Other clinic")
    other_admin = make_user(session, security, Role.ADMIN, clinic=elsewhere)
    session.commit()
    attempts = [
        (colleague.user, intake_id, colleague.id),
        (declined.user, intake_id, declined.id),
        (cancelled.user, intake_id, cancelled.id),
        (stranger.user, intake_id, stranger.id),
        (colleague.user, intake_id, seen.id),  # naming the therapist who saw them
        (other_admin, intake_id, seen.id),
        (seen.user, uuid.uuid4(), seen.id),  # an intake that does not exist
        (seen.user, intake_id, uuid.uuid4()),  # a therapist who does not exist
    ]
    answers = [post(client, user, i, t) for user, i, t in attempts]
    assert [a.status_code for a in answers] == [404] * len(attempts)
    bodies = {(a.get_json()["message"], a.get_json()["code"]) for a in answers}
    assert len(bodies) == 1
    assert session.scalars(select(MatchOutcome)).all() == []
