"""Next free slots for many therapists at once, in a fixed number of queries."""

from __future__ import annotations

from contextlib import contextmanager
from datetime import timedelta

from sqlalchemy import event, select

from app.directory.models import TherapistProfile
from scheduling.slots.service import next_free_slots
from tests.factories import make_clinic, make_therapist
from tests.scheduling_factories import future_hour, make_session_type, open_hours


@contextmanager
def counted_statements(connection):
    statements: list[str] = []

    def count(conn, cursor, statement, *args):
        statements.append(statement)

    event.listen(connection, "before_cursor_execute", count)
    try:
        yield statements
    finally:
        event.remove(connection, "before_cursor_execute", count)


def build(session, security, clinic, count: int) -> list[TherapistProfile]:
    therapists = []
    for index in range(count):
        therapist = make_therapist(session, security, clinic, display_name=f"T{index}")
        open_hours(session, therapist, start_hour=9 + index % 3, end_hour=12 + index % 3)
        make_session_type(session, therapist)
        therapists.append(therapist)
    return therapists


def search(session, therapists):
    start = future_hour(days=2, hour=0)
    return next_free_slots(
        therapists,
        session=session,
        start=start,
        end=start + timedelta(days=14),
        per_therapist=3,
        now=start - timedelta(days=1),
    )


def test_next_three_slots_per_therapist(session, security):
    clinic = make_clinic(session)
    therapists = build(session, security, clinic, 3)
    result = search(session, therapists)
    assert set(result) == {t.id for t in therapists}
    for index, therapist in enumerate(therapists):
        slots = result[therapist.id]
        assert len(slots) == 3
        assert [s.hour for s in slots] == [9 + index % 3, 10 + index % 3, 11 + index % 3]


def test_therapists_without_session_types_are_left_out(session, security):
    clinic = make_clinic(session)
    bare = make_therapist(session, security, clinic)
    assert search(session, [bare]) == {}


def test_query_count_does_not_grow_with_therapists(session, security, connection):
    clinic = make_clinic(session)
    few = build(session, security, clinic, 2)
    many = build(session, security, clinic, 25)
    session.expire_all()
    few = list(
        session.scalars(
            select(TherapistProfile).where(TherapistProfile.id.in_([t.id for t in few]))
        )
    )
    many = list(
        session.scalars(
            select(TherapistProfile).where(TherapistProfile.id.in_([t.id for t in many]))
        )
    )
    with counted_statements(connection) as for_few:
        search(session, few)
    with counted_statements(connection) as for_many:
        search(session, many)
    assert len(for_many) == len(for_few) <= 6
