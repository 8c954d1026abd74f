"""Idempotency-Key: a retried booking gets its first answer instead of "that time is taken"."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from app.idempotency.models import IdempotentRequest
from scheduling.appointments.models import Appointment
from tests.factories import auth_headers, make_client, make_clinic, make_therapist
from tests.scheduling_factories import future_hour, iso, make_session_type, open_hours


@pytest.fixture
def setup(client, session, security):
    therapist = make_therapist(session, security, make_clinic(session))
    open_hours(session, therapist)
    session_type = make_session_type(session, therapist)
    person = make_client(session, security)
    return therapist, session_type, auth_headers(client, person.user)


def book(client, setup, hour: int = 10, key: str | None = None, headers=None):
    therapist, session_type, own = setup
    extra = {"Idempotency-Key": key} if key is not None else {}
    return client.post(
        "/api/v1/appointments",
        headers={**(headers or own), **extra},
        json={
            "therapist_id": str(therapist.id),
            "session_type_id": str(session_type.id),
            "start": iso(future_hour(hour=hour)),
        },
    )


def appointments(session) -> int:
    return session.scalar(select(func.count()).select_from(Appointment))


def test_a_retry_with_the_same_key_gets_the_first_answer(client, session, setup):
    first = book(client, setup, key="booking-7f3a")
    assert first.status_code == 201
    retry = book(client, setup, key="booking-7f3a")
    assert retry.status_code == 201
    assert retry.get_json() == first.get_json()
    assert retry.headers["Idempotent-Replayed"] == "true"
    assert "Idempotent-Replayed" not in first.headers
    assert appointments(session) == 1
    without_key = book(client, setup)
    assert without_key.status_code == 409  # a retry without a key is a new booking attempt


def test_the_same_key_for_another_request_is_refused(client, session, setup):
    assert book(client, setup, key="k-1").status_code == 201
    other = book(client, setup, hour=12, key="k-1")
    assert other.status_code == 422
    assert other.get_json()["errors"] == {
        "Idempotency-Key": ["Already used with another method, path or body."]
    }
    assert appointments(session) == 1


def test_keys_belong_to_their_caller(client, session, security, setup):
    assert book(client, setup, key="shared").status_code == 201
    stranger = auth_headers(client, make_client(session, security).user)
    theirs = book(client, setup, hour=12, key="shared", headers=stranger)
    assert theirs.status_code == 201
    assert "Idempotent-Replayed" not in theirs.headers
    assert appointments(session) == 2


def test_a_failed_request_gives_its_key_back_and_an_expired_key_is_new(client, session, setup):
    assert book(client, setup).status_code == 201
    taken = book(client, setup, key="again")
    assert taken.status_code == 409
    assert book(client, setup, hour=12, key="again").status_code == 201  # not "another request"
    for row in session.scalars(select(IdempotentRequest)):
        row.started_at -= timedelta(hours=25)
    session.commit()
    stale = book(client, setup, hour=12, key="again")
    assert stale.status_code == 409  # done again after 24 hours: the slot is taken now
    assert "Idempotent-Replayed" not in stale.headers


@pytest.mark.parametrize("key", ["", "has space", "x" * 256, "naïve"])
def test_malformed_keys_are_refused(client, session, setup, key):
    response = book(client, setup, key=key)
    assert response.status_code == 422
    assert appointments(session) == 0
