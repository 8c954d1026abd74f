"""A NUL byte that reaches the database is a clear 422, never a 500 (PostgreSQL refuses them)."""

from __future__ import annotations

from sqlalchemy import literal, select

from app.web.errors import handle_unstorable_value


def test_a_value_the_database_refuses_is_a_422(app, session):
    from sqlalchemy.exc import DataError

    try:
        session.execute(select(literal("a\x00b")))
        raised = None
    except DataError as error:
        raised = error
    finally:
        session.rollback()
    if raised is None:  # SQLite stores NUL bytes; build the error PostgreSQL's driver raises
        raised = DataError("SELECT", {}, ValueError("NUL (0x00) bytes"))
    with app.test_request_context():
        body, status = handle_unstorable_value(raised)
    assert status == 422
    assert body["message"] == "A value in the request cannot be stored or searched as given."
