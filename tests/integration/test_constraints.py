"""The database itself refuses double bookings (PostgreSQL exclusion constraints)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy.exc import IntegrityError

from app.clock import utcnow
from scheduling.appointments.models import AppointmentStatus, PendingReason
from tests.factories import make_client, make_clinic, make_therapist
from tests.scheduling_factories import future_hour, make_session_type, past_appointment


@pytest.fixture
def parties(session, security, database_url):
    if not database_url.startswith("postgresql"):
        pytest.skip("exclusion constraints exist on PostgreSQL; SQLite serializes writers instead")
    therapist = make_therapist(session, security, make_clinic(session))
    return therapist, make_session_type(session, therapist)


def test_overlapping_blocks_are_refused(session, security, parties):
    therapist, session_type = parties
    start = future_hour()
    first = make_client(session, security)
    second = make_client(session, security)
    past_appointment(session, therapist, first, session_type, starts_at=start)
    with pytest.raises(IntegrityError) as caught:
        past_appointment(
            session, therapist, second, session_type, starts_at=start + timedelta(minutes=55)
        )  # inside the buffer
    assert caught.value.orig.sqlstate == "23P01"
    session.rollback()


def test_cancelled_and_approval_requests_do_not_reserve(session, security, parties):
    therapist, session_type = parties
    start = future_hour()
    first, second, third = (make_client(session, security) for _ in range(3))
    cancelled = past_appointment(
        session, therapist, first, session_type, starts_at=start, status=AppointmentStatus.CANCELLED
    )
    request = past_appointment(
        session,
        therapist,
        second,
        session_type,
        starts_at=start,
        status=AppointmentStatus.PENDING,
        pending_reason=PendingReason.APPROVAL,
    )
    booked = past_appointment(session, therapist, third, session_type, starts_at=start)
    assert len({cancelled.id, request.id, booked.id}) == 3


def test_a_client_cannot_hold_two_overlapping_sessions(session, security, parties):
    therapist, session_type = parties
    other = make_therapist(session, security, therapist.clinic)
    other_type = make_session_type(session, other)
    client = make_client(session, security)
    start = future_hour()
    past_appointment(session, therapist, client, session_type, starts_at=start)
    with pytest.raises(IntegrityError) as caught:
        past_appointment(
            session,
            other,
            client,
            other_type,
            starts_at=start,
            status=AppointmentStatus.PENDING,
            pending_reason=PendingReason.HOLD,
            hold_expires_at=utcnow() + timedelta(minutes=10),
        )
    assert caught.value.orig.sqlstate == "23P01"
    session.rollback()
