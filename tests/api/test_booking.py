"""Booking, holds, approval, reschedule, cancel and outcomes through the HTTP API."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from app.clock import utcnow
from app.directory.models import ClientProfile, TherapistProfile
from app.identity.models import Role
from app.outbox.models import OutboxMessage
from scheduling.appointments.models import Appointment, AppointmentStatus
from scheduling.session_types.models import SessionType
from tests.factories import auth_headers, make_client, make_clinic, make_therapist, make_user
from tests.scheduling_factories import (
    future_hour,
    iso,
    make_session_type,
    open_hours,
    past_appointment,
)


@dataclass
class Setup:
    therapist: TherapistProfile
    session_type: SessionType
    client: ClientProfile
    client_headers: dict
    therapist_headers: dict


@pytest.fixture
def setup(client, session, security) -> Setup:
    therapist = make_therapist(session, security, make_clinic(session))
    open_hours(session, therapist)
    session_type = make_session_type(session, therapist)
    patient = make_client(session, security)
    return Setup(
        therapist,
        session_type,
        patient,
        auth_headers(client, patient.user),
        auth_headers(client, therapist.user),
    )


def book(client, setup, start, *, headers=None, **extra):
    return client.post(
        "/api/v1/appointments",
        headers=headers or setup.client_headers,
        json={
            "therapist_id": str(setup.therapist.id),
            "session_type_id": str(setup.session_type.id),
            "start": iso(start),
            **extra,
        },
    )


def listed(client, setup, day_start):
    response = client.get(
        f"/api/v1/therapists/{setup.therapist.id}/slots",
        query_string={
            "start": iso(day_start),
            "end": iso(day_start + timedelta(days=1)),
            "session_type": str(setup.session_type.id),
        },
    )
    return [s["start"] for s in response.get_json()["slots"]]


def second_client(client, session, security, **fields):
    other = make_client(session, security, **fields)
    return auth_headers(client, other.user)


def test_book_a_listed_slot(client, setup):
    start = future_hour()
    response = book(client, setup, start)
    assert response.status_code == 201, response.get_json()
    body = response.get_json()
    assert body["status"] == "booked"
    assert body["starts_at"] == iso(start)
    assert body["ends_at"] == iso(start + timedelta(minutes=50))
    assert [e["action"] for e in body["events"]] == ["created"]
    assert iso(start) not in listed(client, setup, start.replace(hour=0))


def test_the_same_slot_cannot_be_booked_twice(client, session, security, setup):
    start = future_hour()
    assert book(client, setup, start).status_code == 201
    other = second_client(client, session, security)
    response = book(client, setup, start, headers=other)
    assert response.status_code == 409
    # nor can a slot whose block would overlap through the buffer
    overlapping = book(client, setup, start + timedelta(minutes=30), headers=other)
    assert overlapping.status_code in (409, 422)


def test_a_refused_booking_writes_no_outbox_row(client, session, security, setup):
    start = future_hour()
    assert book(client, setup, start).status_code == 201
    before = session.scalar(select(func.count()).select_from(OutboxMessage))
    response = book(client, setup, start, headers=second_client(client, session, security))
    assert response.status_code == 409
    assert session.scalar(select(func.count()).select_from(OutboxMessage)) == before


@pytest.mark.parametrize(
    ("offset", "status"),
    [
        (timedelta(minutes=30), 422),  # off the hourly grid
        (timedelta(hours=-3, days=-3), 422),  # in the past
        (timedelta(hours=12), 422),  # 22:00, outside hours
        (timedelta(days=200), 422),  # beyond the horizon
    ],
)
def test_unlisted_times_are_refused(client, setup, offset, status):
    start = future_hour() + offset
    response = book(client, setup, start)
    assert response.status_code == status
    assert response.get_json()["errors"]["start"]


def test_minimum_notice(client, session, setup):
    setup.session_type.min_notice_minutes = 5 * 24 * 60
    session.commit()
    response = book(client, setup, future_hour(days=2))
    assert response.status_code == 422
    assert "notice" in response.get_json()["message"]


def test_naive_or_malformed_start_is_422(client, setup):
    for bad in ("2026-12-01T10:00:00", "tomorrow", "", None):
        response = client.post(
            "/api/v1/appointments",
            headers=setup.client_headers,
            json={
                "therapist_id": str(setup.therapist.id),
                "session_type_id": str(setup.session_type.id),
                "start": bad,
            },
        )
        assert response.status_code == 422


def test_license_must_cover_the_clients_location(client, session, security, setup):
    texan = second_client(
        client, session, security, jurisdiction="US-TX", timezone="America/Chicago"
    )
    response = book(client, setup, future_hour(), headers=texan)
    assert response.status_code == 422
    assert "US-TX" in response.get_json()["message"]


def test_license_must_be_valid_on_the_session_date(client, session, setup):
    license_ = setup.therapist.licenses[0]
    license_.expires_on = (future_hour(days=3) - timedelta(days=1)).date()
    session.commit()
    assert book(client, setup, future_hour(days=2, hour=12)).status_code == 201
    response = book(client, setup, future_hour(days=5))
    assert response.status_code == 422
    assert "not licensed" in response.get_json()["message"]


def test_not_accepting_new_clients(client, session, security, setup):
    first = book(client, setup, future_hour())
    assert first.status_code == 201
    setup.therapist.accepting_new_clients = False
    session.commit()
    newcomer = second_client(client, session, security)
    response = book(client, setup, future_hour(days=4), headers=newcomer)
    assert response.status_code == 422
    assert "not accepting" in response.get_json()["message"]
    # an existing client may still book
    assert book(client, setup, future_hour(days=4)).status_code == 201


def test_client_cannot_be_in_two_places(client, session, security, setup):
    start = future_hour()
    assert book(client, setup, start).status_code == 201
    elsewhere = make_therapist(session, security, setup.therapist.clinic)
    open_hours(session, elsewhere)
    other_type = make_session_type(session, elsewhere)
    response = client.post(
        "/api/v1/appointments",
        headers=setup.client_headers,
        json={
            "therapist_id": str(elsewhere.id),
            "session_type_id": str(other_type.id),
            "start": iso(start),
        },
    )
    assert response.status_code == 409
    assert "You already have" in response.get_json()["message"]


def test_hold_blocks_others_then_confirm_books(client, session, security, setup):
    start = future_hour()
    held = book(client, setup, start, hold=True)
    assert held.status_code == 201
    body = held.get_json()
    assert body["status"] == "pending"
    assert body["pending_reason"] == "hold"
    assert iso(start) not in listed(client, setup, start.replace(hour=0))
    assert (
        book(client, setup, start, headers=second_client(client, session, security)).status_code
        == 409
    )
    confirmed = client.post(
        f"/api/v1/appointments/{body['id']}/confirm", headers=setup.client_headers
    )
    assert confirmed.status_code == 200
    assert confirmed.get_json()["status"] == "booked"
    assert confirmed.get_json()["hold_expires_at"] is None


def test_expired_hold_frees_the_slot_without_a_job(client, session, security, setup):
    start = future_hour()
    held = book(client, setup, start, hold=True).get_json()
    appointment = session.get(Appointment, uuid.UUID(held["id"]))
    appointment.hold_expires_at = utcnow() - timedelta(seconds=1)
    session.commit()
    assert iso(start) in listed(client, setup, start.replace(hour=0))
    other = second_client(client, session, security)
    assert book(client, setup, start, headers=other).status_code == 201
    late = client.post(f"/api/v1/appointments/{held['id']}/confirm", headers=setup.client_headers)
    assert late.status_code == 409


def test_hold_limit_per_client(client, setup):
    for day in (3, 4, 5):
        assert book(client, setup, future_hour(days=day), hold=True).status_code == 201
    response = book(client, setup, future_hour(days=6), hold=True)
    assert response.status_code == 409
    assert "at most 3" in response.get_json()["message"]


def test_approval_flow_second_confirmation_conflicts(client, session, security, setup):
    setup.session_type.requires_approval = True
    session.commit()
    start = future_hour()
    first = book(client, setup, start)
    second = book(client, setup, start, headers=second_client(client, session, security))
    assert first.status_code == second.status_code == 201
    assert first.get_json()["pending_reason"] == "approval"
    # a client cannot approve their own request
    own = client.post(
        f"/api/v1/appointments/{first.get_json()['id']}/confirm", headers=setup.client_headers
    )
    assert own.status_code == 409
    approve = client.post(
        f"/api/v1/appointments/{first.get_json()['id']}/confirm", headers=setup.therapist_headers
    )
    assert approve.status_code == 200
    assert approve.get_json()["status"] == "booked"
    clash = client.post(
        f"/api/v1/appointments/{second.get_json()['id']}/confirm", headers=setup.therapist_headers
    )
    assert clash.status_code == 409
    declined = client.post(
        f"/api/v1/appointments/{second.get_json()['id']}/decline",
        headers=setup.therapist_headers,
        json={"reason": "Time taken"},
    )
    assert declined.status_code == 200
    assert declined.get_json()["status"] == "cancelled"


def test_reschedule_keeps_id_and_history_and_frees_the_old_time(client, session, security, setup):
    start, later = future_hour(), future_hour(days=4, hour=15)
    booked = book(client, setup, start).get_json()
    moved = client.post(
        f"/api/v1/appointments/{booked['id']}/reschedule",
        headers=setup.client_headers,
        json={"start": iso(later)},
    )
    assert moved.status_code == 200, moved.get_json()
    body = moved.get_json()
    assert body["id"] == booked["id"]
    assert body["starts_at"] == iso(later)
    assert [e["action"] for e in body["events"]] == ["created", "rescheduled"]
    assert iso(start) in listed(client, setup, start.replace(hour=0))
    assert (
        book(client, setup, start, headers=second_client(client, session, security)).status_code
        == 201
    )


def test_reschedule_into_a_taken_slot_changes_nothing(client, session, security, setup):
    mine, theirs = future_hour(), future_hour(days=4)
    booked = book(client, setup, mine).get_json()
    assert (
        book(client, setup, theirs, headers=second_client(client, session, security)).status_code
        == 201
    )
    response = client.post(
        f"/api/v1/appointments/{booked['id']}/reschedule",
        headers=setup.client_headers,
        json={"start": iso(theirs)},
    )
    assert response.status_code == 409
    current = client.get(f"/api/v1/appointments/{booked['id']}", headers=setup.client_headers)
    assert current.get_json()["starts_at"] == iso(mine)


def test_reschedule_to_an_adjacent_slot_overlapping_itself(client, setup):
    start = future_hour()
    booked = book(client, setup, start).get_json()
    moved = client.post(
        f"/api/v1/appointments/{booked['id']}/reschedule",
        headers=setup.client_headers,
        json={"start": iso(start + timedelta(hours=1))},
    )
    assert moved.status_code == 200


def test_cancel_marks_late_inside_the_window_and_frees_the_slot(client, session, security, setup):
    soon, later = future_hour(days=0, hour=23), future_hour(days=5)
    open_hours(session, setup.therapist, start_hour=20, end_hour=24)
    if soon <= utcnow():
        soon = soon + timedelta(days=1)
    early = book(client, setup, later).get_json()
    late = book(client, setup, soon).get_json()
    response = client.post(
        f"/api/v1/appointments/{early['id']}/cancel",
        headers=setup.client_headers,
        json={"reason": "Feeling better"},
    )
    assert response.status_code == 200
    assert response.get_json()[0]["late_cancellation"] is False
    assert response.get_json()[0]["cancelled_by_role"] == "client"
    response = client.post(
        f"/api/v1/appointments/{late['id']}/cancel", headers=setup.therapist_headers, json={}
    )
    assert response.get_json()[0]["late_cancellation"] is True
    assert response.get_json()[0]["cancelled_by_role"] == "therapist"
    again = client.post(
        f"/api/v1/appointments/{late['id']}/cancel", headers=setup.client_headers, json={}
    )
    assert again.status_code == 409
    assert (
        book(client, setup, later, headers=second_client(client, session, security)).status_code
        == 201
    )


def test_outcomes_only_after_the_session_started(client, session, setup):
    upcoming = book(client, setup, future_hour()).get_json()
    early = client.post(
        f"/api/v1/appointments/{upcoming['id']}/complete", headers=setup.therapist_headers
    )
    assert early.status_code == 409
    assert "not started" in early.get_json()["message"]
    started = past_appointment(
        session,
        setup.therapist,
        setup.client,
        setup.session_type,
        starts_at=utcnow() - timedelta(minutes=5),
    )
    url = f"/api/v1/appointments/{started.id}"
    assert client.post(f"{url}/complete", headers=setup.client_headers).status_code == 403
    assert (
        client.post(f"{url}/arrived", headers=setup.therapist_headers).get_json()["status"]
        == "arrived"
    )
    assert client.post(f"{url}/no-show", headers=setup.therapist_headers).status_code == 409
    done = client.post(f"{url}/complete", headers=setup.therapist_headers)
    assert done.get_json()["status"] == "fulfilled"
    missed = past_appointment(
        session,
        setup.therapist,
        setup.client,
        setup.session_type,
        starts_at=utcnow() - timedelta(days=2),
    )
    response = client.post(
        f"/api/v1/appointments/{missed.id}/no-show", headers=setup.therapist_headers
    )
    assert response.get_json()["status"] == "noshow"
    statuses = [e["to_status"] for e in response.get_json()["events"]]
    assert statuses == ["noshow"]


def test_other_peoples_appointments_are_404(client, session, security, setup):
    booked = book(client, setup, future_hour()).get_json()
    stranger = second_client(client, session, security)
    other_therapist = make_therapist(session, security, make_clinic(session))
    other_admin = make_user(session, security, Role.ADMIN, clinic=make_clinic(session))
    own_admin = make_user(session, security, Role.ADMIN, clinic=setup.therapist.clinic)
    session.commit()
    url = f"/api/v1/appointments/{booked['id']}"
    for headers in (
        stranger,
        auth_headers(client, other_therapist.user),
        auth_headers(client, other_admin),
    ):
        assert client.get(url, headers=headers).status_code == 404
        assert client.post(f"{url}/cancel", headers=headers, json={}).status_code == 404
        assert (
            client.post(
                f"{url}/reschedule", headers=headers, json={"start": iso(future_hour(days=6))}
            ).status_code
            == 404
        )
    assert client.get(url, headers=auth_headers(client, own_admin)).status_code == 200
    assert client.get(url, headers=setup.therapist_headers).status_code == 200
    mine = client.get("/api/v1/appointments", headers=stranger).get_json()["items"]
    assert mine == []
    assert (
        session.scalar(select(Appointment.status).where(Appointment.id == uuid.UUID(booked["id"])))
        is AppointmentStatus.BOOKED
    )


def test_therapist_schedule_lists_the_window(client, setup):
    first, second = future_hour(days=3), future_hour(days=10)
    book(client, setup, first)
    book(client, setup, second)
    response = client.get(
        f"/api/v1/therapists/{setup.therapist.id}/schedule",
        headers=setup.therapist_headers,
        query_string={
            "start": iso(first - timedelta(days=1)),
            "end": iso(first + timedelta(days=1)),
        },
    )
    assert [a["starts_at"] for a in response.get_json()["items"]] == [iso(first)]
    forbidden = client.get(
        f"/api/v1/therapists/{setup.therapist.id}/schedule",
        headers=setup.client_headers,
        query_string={"start": iso(first), "end": iso(second)},
    )
    assert forbidden.status_code == 403


def test_therapists_cannot_book_as_clients(client, setup):
    response = book(client, setup, future_hour(), headers=setup.therapist_headers)
    assert response.status_code == 403


def test_releasing_a_hold_frees_the_slot(client, session, security, setup):
    start = future_hour()
    held = book(client, setup, start, hold=True).get_json()
    released = client.post(
        f"/api/v1/appointments/{held['id']}/cancel",
        headers=setup.client_headers,
        json={"reason": "Changed my mind"},
    )
    assert released.status_code == 200
    assert released.get_json()[0]["late_cancellation"] is False
    assert iso(start) in listed(client, setup, start.replace(hour=0))


def test_appointment_list_filters(client, setup):
    first, second = future_hour(days=3), future_hour(days=5)
    book(client, setup, first)
    cancelled = book(client, setup, second).get_json()
    client.post(
        f"/api/v1/appointments/{cancelled['id']}/cancel", headers=setup.client_headers, json={}
    )
    booked = client.get("/api/v1/appointments?status=booked", headers=setup.client_headers)
    assert [a["starts_at"] for a in booked.get_json()["items"]] == [iso(first)]
    window = client.get(
        "/api/v1/appointments",
        headers=setup.client_headers,
        query_string={
            "start": iso(second - timedelta(hours=1)),
            "end": iso(second + timedelta(hours=1)),
        },
    )
    assert [a["id"] for a in window.get_json()["items"]] == [cancelled["id"]]
    assert (
        client.get("/api/v1/appointments?status=lost", headers=setup.client_headers).status_code
        == 422
    )
