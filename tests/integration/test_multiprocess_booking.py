"""Bookings raced from many HTTP clients against gunicorn with several worker processes.

PostgreSQL only: several processes, each with its own pool, meet only in the database, where the
exclusion constraints, row locks and the unit of work's retries must turn every lost race into
a 409 and never a 5xx.
"""

from __future__ import annotations

import http.client
import json
import os
import socket
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import text

from tests.concurrency_helpers import run_together
from tests.conftest import FAST_ARGON2
from tests.factories import PASSWORD, make_client, make_clinic, make_therapist
from tests.scheduling_factories import future_hour, iso, make_session_type, open_hours

WORKERS = 4
PROJECT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def server(database_url: str, engine, tmp_path_factory: pytest.TempPathFactory) -> Iterator[int]:
    """gunicorn serving wsgi:app with several worker processes on a free port."""
    if engine.dialect.name != "postgresql":
        pytest.skip("several server processes are tested on PostgreSQL")
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    env = os.environ | {
        "DATABASE_URL": database_url,
        "SECRET_KEY": "test-secret-key-that-is-long-enough-for-hs256",
        "APP_ENV": "testing",
        "INSTANCE_PATH": str(tmp_path_factory.mktemp("gunicorn")),
        "RATELIMIT_ENABLED": "false",
        "LOG_LEVEL": "WARNING",
        **{name: str(value) for name, value in FAST_ARGON2.items()},
    }
    gunicorn = Path(sys.executable).with_name("gunicorn")
    process = subprocess.Popen(  # noqa: S603 (our own gunicorn, fixed arguments)
        [
            str(gunicorn),
            "-w",
            str(WORKERS),
            "-b",
            f"127.0.0.1:{port}",
            "--timeout",
            "60",
            "wsgi:app",
        ],
        cwd=PROJECT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        _wait_until_up(port, process)
        yield port
    finally:
        process.terminate()
        _, errors = process.communicate(timeout=30)
        assert b"Traceback" not in errors, errors.decode(errors="replace")[-4000:]


def _wait_until_up(port: int, process: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        assert process.poll() is None, "gunicorn exited"
        try:
            if request(port, "GET", "/healthz")[0] == 200:
                return
        except OSError:
            time.sleep(0.1)
    raise AssertionError("gunicorn did not start")


def request(port: int, method: str, path: str, body=None, token: str | None = None):
    """One real HTTP request on its own connection: (status, parsed JSON or None)."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    headers = {"Content-Type": "application/json"}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    try:
        connection.request(method, path, body=json.dumps(body) if body else None, headers=headers)
        response = connection.getresponse()
        raw = response.read()
    finally:
        connection.close()
    parsed = json.loads(raw) if raw.startswith((b"{", b"[")) else None
    return response.status, parsed


def _tokens(port: int, clients) -> list[str]:
    tokens = []
    for client in clients:
        status, answer = request(
            port, "POST", "/api/v1/auth/login", {"email": client.user.email, "password": PASSWORD}
        )
        assert status == 200, answer
        tokens.append(answer["access_token"])
    return tokens


def _book(port, token, therapist, session_type, start):
    def task() -> int:
        body = {
            "therapist_id": str(therapist.id),
            "session_type_id": str(session_type.id),
            "start": iso(start),
        }
        return request(port, "POST", "/api/v1/appointments", body, token)[0]

    return task


@pytest.fixture
def practice(committed, security):
    therapist = make_therapist(committed, security, make_clinic(committed))
    open_hours(committed, therapist)
    session_type = make_session_type(committed, therapist)
    return therapist, session_type


def test_twenty_clients_on_several_processes_race_for_one_slot(
    server, committed, security, practice
):
    therapist, session_type = practice
    tokens = _tokens(server, [make_client(committed, security) for _ in range(20)])
    for round_ in range(3):  # several rounds: one race can be lucky
        start = future_hour(days=3 + round_)
        statuses = run_together([_book(server, t, therapist, session_type, start) for t in tokens])
        assert Counter(statuses) == {201: 1, 409: 19}, statuses
    with committed.bind.connect() as conn:
        booked = conn.execute(text("SELECT count(*) FROM appointments WHERE status = 'booked'"))
        assert booked.scalar_one() == 3


def test_overlapping_slots_of_one_therapist_from_different_clients(
    server, committed, security, practice
):
    therapist, _ = practice
    session_type = make_session_type(committed, therapist, slot_step_minutes=15)
    tokens = _tokens(server, [make_client(committed, security) for _ in range(20)])
    base = future_hour(days=4)
    # Sessions of 50 minutes (plus buffers) on a 15-minute grid: each start overlaps its neighbours.
    starts = [base + timedelta(minutes=15 * (i % 5)) for i in range(len(tokens))]
    statuses = run_together(
        [_book(server, t, therapist, session_type, s) for t, s in zip(tokens, starts, strict=True)]
    )
    assert not [s for s in statuses if not isinstance(s, int) or s >= 500], statuses
    assert set(statuses) <= {201, 409, 422}, statuses
    assert statuses.count(201) >= 1
    with committed.bind.connect() as conn:
        overlaps = conn.execute(
            text(
                "SELECT count(*) FROM appointments a JOIN appointments b ON a.id < b.id "
                "AND a.therapist_id = b.therapist_id AND a.block_starts_at < b.block_ends_at "
                "AND b.block_starts_at < a.block_ends_at "
                "WHERE a.status = 'booked' AND b.status = 'booked'"
            )
        ).scalar_one()
    assert overlaps == 0
