"""PostgreSQL deadlocks and serialization failures, raised by the database itself, are retried.

A trigger on `appointments` counts every attempt in a sequence (sequences ignore rollbacks)
and fails with the SQLSTATE under test. The trigger, its function and the sequence are created
in the test's transaction, which is rolled back afterwards; they are also dropped explicitly.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest
from sqlalchemy import Connection, func, select, text

from app.db.unit_of_work import MAX_ATTEMPTS
from scheduling.appointments.models import Appointment
from tests.factories import auth_headers, make_client, make_clinic, make_therapist
from tests.scheduling_factories import future_hour, iso, make_session_type, open_hours

DEADLOCK, SERIALIZATION_FAILURE = "40P01", "40001"


@pytest.fixture
def postgresql(database_url: str) -> None:
    if not database_url.startswith("postgresql"):
        pytest.skip("SQLSTATE retries are PostgreSQL's; SQLite serializes writers instead")


@pytest.fixture
def inject(postgresql, connection: Connection) -> Iterator[Callable[[str, int | None], None]]:
    """Make inserts into appointments fail with a SQLSTATE (on every attempt, or up to one)."""

    def install(sqlstate: str, failing_attempts: int | None = None) -> None:
        condition = "TRUE" if failing_attempts is None else f"attempt <= {failing_attempts}"
        connection.exec_driver_sql("CREATE SEQUENCE uow_attempts")
        connection.exec_driver_sql(
            f"""
            CREATE FUNCTION uow_inject() RETURNS trigger LANGUAGE plpgsql AS $$
            DECLARE attempt bigint;
            BEGIN
                attempt := nextval('uow_attempts');
                IF {condition} THEN
                    RAISE EXCEPTION 'injected' USING ERRCODE = '{sqlstate}';
                END IF;
                RETURN NEW;
            END $$
            """
        )
        connection.exec_driver_sql(
            "CREATE TRIGGER uow_inject BEFORE INSERT ON appointments "
            "FOR EACH ROW EXECUTE FUNCTION uow_inject()"
        )

    yield install
    connection.exec_driver_sql("DROP TRIGGER IF EXISTS uow_inject ON appointments")
    connection.exec_driver_sql("DROP FUNCTION IF EXISTS uow_inject()")
    connection.exec_driver_sql("DROP SEQUENCE IF EXISTS uow_attempts")


def attempts(connection: Connection) -> int:
    """How many times the trigger ran."""
    last_value, is_called = connection.execute(
        text("SELECT last_value, is_called FROM uow_attempts")
    ).one()
    return last_value if is_called else 0


@pytest.fixture
def booking(client, session, security) -> Callable[[], object]:
    therapist = make_therapist(session, security, make_clinic(session))
    open_hours(session, therapist)
    session_type = make_session_type(session, therapist)
    headers = auth_headers(client, make_client(session, security).user)

    def post():
        return client.post(
            "/api/v1/appointments",
            headers=headers,
            json={
                "therapist_id": str(therapist.id),
                "session_type_id": str(session_type.id),
                "start": iso(future_hour()),
            },
        )

    return post


def appointments(session) -> int:
    return session.scalar(select(func.count()).select_from(Appointment)) or 0


@pytest.mark.parametrize("sqlstate", [DEADLOCK, SERIALIZATION_FAILURE])
def test_a_change_that_keeps_losing_is_409_after_max_attempts(
    inject, booking, connection, session, sqlstate
):
    inject(sqlstate)
    response = booking()
    assert response.status_code == 409, response.get_json()
    assert response.mimetype == "application/json"
    body = response.get_json()
    assert set(body) == {"code", "status", "message"}
    assert (body["code"], body["status"]) == (409, "Conflict")
    assert "Try again" in body["message"]
    assert attempts(connection) == MAX_ATTEMPTS
    assert appointments(session) == 0


@pytest.mark.parametrize("sqlstate", [DEADLOCK, SERIALIZATION_FAILURE])
def test_a_change_that_loses_once_succeeds_on_the_retry(
    inject, booking, connection, session, sqlstate
):
    inject(sqlstate, failing_attempts=1)
    response = booking()
    assert response.status_code == 201, response.get_json()
    assert attempts(connection) == 2
    assert appointments(session) == 1
