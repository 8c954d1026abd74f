"""Races against a real database: committed data, one connection per request, many threads.

These run on both databases: PostgreSQL proves the exclusion constraints and row locks,
SQLite proves that BEGIN IMMEDIATE serializes booking transactions.
"""

from __future__ import annotations

import random
from collections import Counter
from collections.abc import Callable
from datetime import timedelta

import pytest
from flask import Flask
from sqlalchemy import text

from tests.concurrency_helpers import run_together
from tests.factories import login, make_client, make_clinic, make_therapist
from tests.scheduling_factories import future_hour, iso, make_session_type, open_hours


@pytest.fixture
def practice(committed, security):
    therapist = make_therapist(committed, security, make_clinic(committed))
    open_hours(committed, therapist)
    session_type = make_session_type(committed, therapist)
    return therapist, session_type


def booking_task(app: Flask, token: str, therapist, session_type, start) -> Callable[[], int]:
    def task() -> int:
        response = app.test_client().post(
            "/api/v1/appointments",
            headers={"Authorization": f"Bearer {token}"},
            json={
                "therapist_id": str(therapist.id),
                "session_type_id": str(session_type.id),
                "start": iso(start),
            },
        )
        return response.status_code

    return task


def test_twenty_clients_race_for_one_slot(live_app, committed, security, practice):
    therapist, session_type = practice
    clients = [make_client(committed, security) for _ in range(20)]
    tokens = [login(live_app.test_client(), c.user.email)["access_token"] for c in clients]
    start = future_hour()
    statuses = run_together(
        [booking_task(live_app, token, therapist, session_type, start) for token in tokens]
    )
    assert Counter(statuses) == {201: 1, 409: 19}
    with committed.bind.connect() as conn:
        assert (
            conn.execute(
                text("SELECT count(*) FROM appointments WHERE status = 'booked'")
            ).scalar_one()
            == 1
        )


def test_concurrent_approvals_of_overlapping_requests(live_app, committed, security, practice):
    therapist, session_type = practice
    session_type.requires_approval = True
    committed.commit()
    start = future_hour()
    requests = []
    for _ in range(2):
        patient = make_client(committed, security)
        token = login(live_app.test_client(), patient.user.email)["access_token"]
        response = live_app.test_client().post(
            "/api/v1/appointments",
            headers={"Authorization": f"Bearer {token}"},
            json={
                "therapist_id": str(therapist.id),
                "session_type_id": str(session_type.id),
                "start": iso(start),
            },
        )
        assert response.status_code == 201
        requests.append(response.get_json()["id"])
    therapist_token = login(live_app.test_client(), therapist.user.email)["access_token"]

    def approve(appointment_id: str) -> Callable[[], int]:
        return lambda: (
            live_app.test_client()
            .post(
                f"/api/v1/appointments/{appointment_id}/confirm",
                headers={"Authorization": f"Bearer {therapist_token}"},
            )
            .status_code
        )

    assert sorted(run_together([approve(r) for r in requests])) == [200, 409]


def test_group_never_exceeds_capacity(live_app, committed, security, practice):
    therapist, _ = practice
    group_type = make_session_type(
        committed, therapist, name="Group", is_group=True, capacity=5, duration_minutes=90
    )
    therapist_token = login(live_app.test_client(), therapist.user.email)["access_token"]
    group = (
        live_app.test_client()
        .post(
            "/api/v1/group-sessions",
            headers={"Authorization": f"Bearer {therapist_token}"},
            json={
                "therapist_id": str(therapist.id),
                "session_type_id": str(group_type.id),
                "start": iso(future_hour()),
            },
        )
        .get_json()
    )
    clients = [make_client(committed, security) for _ in range(12)]
    tokens = [login(live_app.test_client(), c.user.email)["access_token"] for c in clients]

    def enroll(token: str) -> Callable[[], str]:
        return lambda: (
            live_app.test_client()
            .post(
                f"/api/v1/group-sessions/{group['id']}/enroll",
                headers={"Authorization": f"Bearer {token}"},
            )
            .get_json()["status"]
        )

    assert Counter(run_together([enroll(t) for t in tokens])) == {"enrolled": 5, "waitlisted": 7}


def test_concurrent_refresh_with_one_token_succeeds_once(live_app, committed, security):
    patient = make_client(committed, security)
    refresh_token = login(live_app.test_client(), patient.user.email)["refresh_token"]

    def refresh() -> int:
        return (
            live_app.test_client()
            .post("/api/v1/auth/refresh", json={"refresh_token": refresh_token})
            .status_code
        )

    assert sorted(run_together([refresh, refresh])) == [200, 401]


OVERLAPS_SQL = """
SELECT count(*) FROM appointments a JOIN appointments b
  ON a.id < b.id AND a.{key} = b.{key}
 AND a.{start} < b.{end} AND b.{start} < a.{end}
WHERE a.status IN ('booked', 'arrived', 'fulfilled', 'noshow')
  AND b.status IN ('booked', 'arrived', 'fulfilled', 'noshow')
"""


def test_soak_of_random_operations_leaves_no_overlap(live_app, committed, security):
    clinic = make_clinic(committed)
    practices = []
    for _ in range(2):
        therapist = make_therapist(committed, security, clinic)
        open_hours(committed, therapist, start_hour=8, end_hour=12)
        practices.append((therapist, make_session_type(committed, therapist, slot_step_minutes=30)))
    clients = [make_client(committed, security) for _ in range(4)]
    tokens = [login(live_app.test_client(), c.user.email)["access_token"] for c in clients]
    starts = [
        future_hour(days=d, hour=h) + timedelta(minutes=m)
        for d in (2, 3)
        for h in (8, 9, 10)
        for m in (0, 30)
    ]

    def worker(seed: int, token: str) -> Callable[[], Counter]:
        def run() -> Counter:
            rng = random.Random(seed)
            http = live_app.test_client()
            headers = {"Authorization": f"Bearer {token}"}
            mine: list[str] = []
            outcome: Counter = Counter()
            for _ in range(25):
                action = rng.choice(["book", "book", "cancel", "reschedule"])
                if action == "book" or not mine:
                    therapist, session_type = rng.choice(practices)
                    response = http.post(
                        "/api/v1/appointments",
                        headers=headers,
                        json={
                            "therapist_id": str(therapist.id),
                            "session_type_id": str(session_type.id),
                            "start": iso(rng.choice(starts)),
                        },
                    )
                    if response.status_code == 201:
                        mine.append(response.get_json()["id"])
                elif action == "cancel":
                    response = http.post(
                        f"/api/v1/appointments/{mine.pop()}/cancel", headers=headers, json={}
                    )
                else:
                    response = http.post(
                        f"/api/v1/appointments/{rng.choice(mine)}/reschedule",
                        headers=headers,
                        json={"start": iso(rng.choice(starts))},
                    )
                outcome[(action, response.status_code)] += 1
                assert response.status_code < 500, response.get_json()
            return outcome

        return run

    results = run_together([worker(seed, token) for seed, token in enumerate(tokens)])
    for result in results:
        assert isinstance(result, Counter), result
    assert sum(results, Counter())[("book", 201)] > 0
    with committed.bind.connect() as conn:
        for key, start, end in (
            ("therapist_id", "block_starts_at", "block_ends_at"),
            ("client_id", "starts_at", "ends_at"),
        ):
            sql = OVERLAPS_SQL.format(key=key, start=start, end=end)
            assert conn.execute(text(sql)).scalar_one() == 0
