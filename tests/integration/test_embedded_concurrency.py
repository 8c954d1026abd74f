"""The embedded default (a SQLite file) under concurrent sign-ups, bookings and match requests.

Real argon2 costs (the configuration's defaults), one app, many threads: every request succeeds
or gets a 4xx, never a 500 and never "database is locked". The slow parts of a request (password
hashing, ranking) must run while the write lock is free; the probes check that directly.
"""

from __future__ import annotations

import sqlite3
from collections import Counter
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from flask import Flask

import matching.matches.service as match_service
from app.clock import utcnow
from app.config import load_config
from app.factory import create_app
from app.identity.passwords import PasswordHashing
from scheduling.session_types.models import SessionType
from tests.api.test_matching import intake_body
from tests.concurrency_helpers import run_together
from tests.conftest import app_config_for_tests
from tests.factories import PASSWORD, login, make_client, make_therapist
from tests.matching_helpers import matching_clinic
from tests.scheduling_factories import future_hour, iso, open_hours

NEXT_YEAR = utcnow().date() + timedelta(days=365)
REAL_COSTS = ("PASSWORD_HASH_TIME_COST", "PASSWORD_HASH_MEMORY_KIB", "PASSWORD_HASH_PARALLELISM")


@pytest.fixture
def embedded_app(database_url: str, tmp_path: Path) -> Flask:
    """The app as `make run` configures it: default argon2 costs, rate limits off for the race."""
    defaults = load_config({"APP_ENV": "testing", "SECRET_KEY": "x" * 48})
    costs = {name: defaults[name] for name in REAL_COSTS}
    assert costs["PASSWORD_HASH_MEMORY_KIB"] >= 64 * 1024
    return create_app(app_config_for_tests(database_url, tmp_path, **costs))


@pytest.fixture
def practice(committed, security):
    clinic = matching_clinic(committed)
    therapist = make_therapist(
        committed,
        security,
        clinic,
        licenses=[("US-CA", NEXT_YEAR)],
        specialties=["anxiety"],
        modalities=["cbt"],
        age_groups=["adults"],
        self_pay_rate_cents=12000,
        bio="I help adults with anxiety using CBT.",
    )
    open_hours(committed, therapist)
    session_type_id = committed.query(SessionType.id).filter_by(clinic_id=clinic.id).scalar()
    return therapist, session_type_id


def _sqlite_path(database_url: str) -> str:
    return database_url.removeprefix("sqlite:///")


def write_lock_is_free(database_url: str) -> bool:
    """True when another connection can take SQLite's write lock at once."""
    probe = sqlite3.connect(_sqlite_path(database_url), timeout=0, isolation_level=None)
    try:
        probe.execute("BEGIN IMMEDIATE")
        probe.execute("ROLLBACK")
        return True
    except sqlite3.OperationalError:
        return False
    finally:
        probe.close()


def _call(app: Flask, method: str, path: str, token: str | None = None, **body: Any):
    def task() -> tuple[str, int, str]:
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        response = app.test_client().open(path, method=method, headers=headers, json=body or None)
        return path, response.status_code, response.get_data(as_text=True)

    return task


def _submit_intakes(app: Flask, seekers, tokens) -> list[tuple[Any, str]]:
    intakes = []
    for seeker in seekers:
        answer = app.test_client().post(
            "/api/v1/intakes",
            headers={"Authorization": f"Bearer {tokens[seeker.id]}"},
            json=intake_body(),
        )
        assert answer.status_code == 201, answer.get_json()
        intakes.append((seeker, answer.get_json()["id"]))
    return intakes


def test_sign_ups_bookings_and_matches_at_once(embedded_app, committed, security, practice):
    therapist, session_type_id = practice
    bookers = [make_client(committed, security) for _ in range(6)]
    seekers = [make_client(committed, security) for _ in range(4)]
    tokens = {
        c.id: login(embedded_app.test_client(), c.user.email)["access_token"]
        for c in bookers + seekers
    }
    intakes = _submit_intakes(embedded_app, seekers, tokens)
    starts = [future_hour(days=3, hour=10), future_hour(days=3, hour=12)]
    tasks: list[Callable[[], tuple[str, int, str]]] = []
    for n in range(6):
        profile = {
            "jurisdiction": "US-CA",
            "timezone": "America/Los_Angeles",
            "age_group": "adults",
        }
        tasks.append(
            _call(
                embedded_app,
                "POST",
                "/api/v1/auth/register",
                email=f"racer{n}-{id(tasks)}@example.org",
                password="a-long-passphrase-2026",
                display_name=f"Racer {n}",
                **profile,
            )
        )
    for n, booker in enumerate(bookers):
        body = {"therapist_id": str(therapist.id), "session_type_id": str(session_type_id)}
        tasks.append(
            _call(
                embedded_app,
                "POST",
                "/api/v1/appointments",
                tokens[booker.id],
                **body,
                start=iso(starts[n % 2]),
            )
        )
    for seeker, intake_id in intakes:
        tasks.append(
            _call(embedded_app, "GET", f"/api/v1/intakes/{intake_id}/matches", tokens[seeker.id])
        )

    results = run_together(tasks)

    assert all(isinstance(r, tuple) for r in results), results
    assert not [r for r in results if r[1] >= 500 or "locked" in r[2]], results
    by_kind = Counter((path.split("/")[3], status) for path, status, _ in results)
    assert by_kind[("auth", 201)] == 6, by_kind
    assert by_kind[("appointments", 201)] == 2, by_kind
    assert by_kind[("appointments", 409)] == 4, by_kind
    assert by_kind[("intakes", 200)] == 4, by_kind
    assert all(
        '"matches": [{' in body or '"matches":[{' in body
        for path, _, body in results
        if "matches" in path
    )


def test_slow_work_runs_while_the_write_lock_is_free(
    embedded_app, committed, security, practice, database_url, monkeypatch
):
    if not database_url.startswith("sqlite"):
        pytest.skip("the write lock probed here is SQLite's")
    seeker = make_client(committed, security)
    token = login(embedded_app.test_client(), seeker.user.email, PASSWORD)["access_token"]
    intake = embedded_app.test_client().post(
        "/api/v1/intakes", headers={"Authorization": f"Bearer {token}"}, json=intake_body()
    )
    seen: list[tuple[str, bool]] = []
    real_rank, real_hash = match_service.rank, PasswordHashing.hash

    def probing_rank(*args: Any, **kwargs: Any) -> Any:
        seen.append(("ranking", write_lock_is_free(database_url)))
        return real_rank(*args, **kwargs)

    def probing_hash(self: PasswordHashing, password: str) -> str:
        seen.append(("hashing", write_lock_is_free(database_url)))
        return real_hash(self, password)

    monkeypatch.setattr(match_service, "rank", probing_rank)
    monkeypatch.setattr(PasswordHashing, "hash", probing_hash)
    matched = embedded_app.test_client().get(
        f"/api/v1/intakes/{intake.get_json()['id']}/matches",
        headers={"Authorization": f"Bearer {token}"},
    )
    assert matched.status_code == 200, matched.get_json()
    registered = embedded_app.test_client().post(
        "/api/v1/auth/register",
        json={
            "email": "probe@example.org",
            "password": "a-long-passphrase-2026",
            "display_name": "Probe",
            "jurisdiction": "US-CA",
            "timezone": "America/Los_Angeles",
            "age_group": "adults",
        },
    )
    assert registered.status_code == 201, registered.get_json()
    assert {step for step, _ in seen} == {"ranking", "hashing"}, seen
    assert all(free for _, free in seen), seen
