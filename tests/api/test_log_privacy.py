"""No log line (app, SQLAlchemy, HTTP servers) carries a client's name, email or concern."""

from __future__ import annotations

import io
import logging
import threading
import urllib.request
from collections.abc import Callable, Iterator

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError
from werkzeug.serving import make_server

from app.logs import QueryStringFilter, json_log_handler
from app.web.extensions import db
from tests.factories import bearer, make_clinic, make_therapist

NAME = "Quillon Vantablack"
LEGAL_NAME = "Quillonia Vantablack-Ostrowe"
EMAIL = "quillon.vantablack@example.org"
CONCERN = "perinatal"
SECRETS = (NAME, LEGAL_NAME, EMAIL, EMAIL.split("@")[0], CONCERN, "Vantablack")


@pytest.fixture
def all_logs(caplog) -> Iterator[Callable[[], list[str]]]:
    """Every record at DEBUG on the root logger, as caplog and as the JSON handler writes it."""
    stream = io.StringIO()
    handler = json_log_handler(stream)
    handler.setLevel(logging.DEBUG)
    root = logging.getLogger()
    root.addHandler(handler)
    caplog.set_level(logging.DEBUG)

    def lines() -> list[str]:
        return [
            *stream.getvalue().splitlines(),
            *caplog.text.splitlines(),
            *(record.getMessage() for record in caplog.records),
        ]

    try:
        yield lines
    finally:
        root.removeHandler(handler)


def _assert_clean(logs: Callable[[], list[str]]) -> None:
    lines = logs()
    assert lines, "nothing was logged: the test is not capturing"
    leaks = [line for line in lines if any(s.lower() in line.lower() for s in SECRETS)]
    assert leaks == []


def _boom():
    db.session.execute(text("INSERT INTO no_such_table (name) VALUES (:name)"), {"name": NAME})


def test_no_log_line_names_the_client_or_their_concern(make_app, all_logs, session, security):
    make_therapist(session, security, make_clinic(session), bio="Anxiety, stress and sleep.")
    app = make_app(LOG_LEVEL="DEBUG")
    app.add_url_rule("/boom", "boom", _boom)
    client = app.test_client()
    registration = {
        "email": EMAIL,
        "password": "a-long-enough-passphrase",
        "display_name": NAME,
        "jurisdiction": "US-CA",
        "timezone": "America/Los_Angeles",
        "age_group": "adults",
    }
    response = client.post("/api/v1/auth/register", json=registration)
    assert response.status_code == 201, response.get_json()
    headers = bearer(response.get_json())
    assert client.post("/api/v1/auth/register", json=registration).status_code == 409
    bad_login = {"email": EMAIL, "password": f"{NAME} wrong"}
    assert client.post("/api/v1/auth/login", json=bad_login).status_code == 401
    response = client.patch("/api/v1/me", headers=headers, json={"legal_name": LEGAL_NAME})
    assert response.status_code == 200
    assert client.patch("/api/v1/me", headers=headers, json={"display_name": 7}).status_code == 422
    known = client.get(f"/api/v1/therapists?specialty={CONCERN}")
    assert known.status_code == 200, known.get_json()
    unknown = client.get(f"/api/v1/therapists?specialty={CONCERN}&q={NAME}")
    assert unknown.status_code == 422  # named back to the caller, never logged
    intake = {
        "concerns": [CONCERN, "anxiety"],
        "free_text": f"{NAME} here, about {CONCERN} worries.",
        "phq9": [1, 1, 1, 1, 1, 0, 0, 0, 0],
        "gad7": [2, 2, 1, 1, 1, 0, 0],
        "preferences": {"languages": ["en"], "format": "video"},
        "payment": {"method": "self_pay", "max_per_session_cents": 15000},
    }
    response = client.post("/api/v1/intakes", headers=headers, json=intake)
    assert response.status_code == 201, response.get_json()
    intake_id = response.get_json()["id"]
    assert client.get(f"/api/v1/intakes/{intake_id}/matches", headers=headers).status_code == 200
    response = client.get(f"/api/v1/intakes/{intake_id}?concern={CONCERN}", headers=headers)
    assert response.status_code == 422  # an unknown parameter, refused and never logged
    assert client.post("/api/v1/intakes", headers=headers, json={**intake, "x": NAME}).status_code
    assert client.get(f"/boom?email={EMAIL}").status_code == 500
    assert client.delete("/api/v1/me", headers=headers).status_code in {204, 200}
    _assert_clean(all_logs)


def test_sql_errors_never_carry_their_parameters(engine, all_logs):
    with engine.connect() as connection, pytest.raises(DBAPIError) as raised:
        connection.execute(text("INSERT INTO no_such_table (name) VALUES (:name)"), {"name": NAME})
    logging.getLogger("tests").error("failed: %s", raised.value)
    assert NAME not in str(raised.value)
    _assert_clean(all_logs)


def test_the_development_server_logs_paths_without_query_strings(make_app, all_logs):
    app = make_app(LOG_LEVEL="DEBUG")
    server = make_server("127.0.0.1", 0, app)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        url = f"http://127.0.0.1:{server.server_port}/api/v1/therapists?specialty={CONCERN}"
        with urllib.request.urlopen(url) as response:
            assert response.status == 200
    finally:
        server.shutdown()
        thread.join()
    assert any("GET /api/v1/therapists HTTP" in line for line in all_logs())
    _assert_clean(all_logs)


def test_gunicorn_access_atoms_lose_their_query():
    record = logging.LogRecord(
        "gunicorn.access",
        logging.INFO,
        __file__,
        1,
        '"%(r)s" %(s)s "%(f)s" %(q)s',
        None,
        None,
    )
    record.args = {
        "r": f"GET /api/v1/therapists?specialty={CONCERN} HTTP/1.1",
        "s": "200",
        "f": f"https://app.example/search?concern={CONCERN}",
        "q": f"specialty={CONCERN}",
    }
    assert QueryStringFilter().filter(record)
    assert CONCERN not in record.getMessage()
    assert "GET /api/v1/therapists HTTP/1.1" in record.getMessage()
