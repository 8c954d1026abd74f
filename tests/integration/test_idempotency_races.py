"""Concurrent requests with one Idempotency-Key have one effect."""

from __future__ import annotations

from collections import Counter

from sqlalchemy import func, select

from scheduling.appointments.models import Appointment
from tests.concurrency_helpers import run_together
from tests.factories import login, make_client, make_clinic, make_therapist
from tests.scheduling_factories import future_hour, iso, make_session_type, open_hours


def test_six_simultaneous_bookings_with_one_key_book_once(live_app, committed, security):
    therapist = make_therapist(committed, security, make_clinic(committed))
    open_hours(committed, therapist)
    session_type = make_session_type(committed, therapist)
    person = make_client(committed, security)
    token = login(live_app.test_client(), person.user.email)["access_token"]
    body = {
        "therapist_id": str(therapist.id),
        "session_type_id": str(session_type.id),
        "start": iso(future_hour()),
    }

    def attempt():
        return live_app.test_client().post(
            "/api/v1/appointments",
            headers={"Authorization": f"Bearer {token}", "Idempotency-Key": "same-key"},
            json=body,
        )

    responses = run_together([attempt for _ in range(6)])
    statuses = Counter(r.status_code for r in responses)
    assert set(statuses) <= {201, 409}
    assert statuses[201] >= 1
    booked_ids = {r.get_json()["id"] for r in responses if r.status_code == 201}
    assert len(booked_ids) == 1  # every 201 is the same booking (the first, or its replay)
    for refused in (r for r in responses if r.status_code == 409):
        assert "Idempotency-Key" in refused.get_json()["errors"]
    committed.rollback()
    assert committed.scalar(select(func.count()).select_from(Appointment)) == 1
    again = attempt()
    assert again.status_code == 201
    assert again.get_json()["id"] in booked_ids
    assert again.headers["Idempotent-Replayed"] == "true"
