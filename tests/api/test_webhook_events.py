"""Which changes publish which webhook events, with which data (and nothing clinical)."""

from __future__ import annotations

import json
from datetime import timedelta

from app.clock import utcnow
from app.encryption import FIELD_CIPHER
from app.web.extensions import app_adapters
from tests.billing_helpers import FEE, charging_practice
from tests.factories import auth_headers, make_client, make_clinic, make_therapist
from tests.scheduling_factories import (
    future_hour,
    iso,
    make_session_type,
    open_hours,
    past_appointment,
)
from tests.webhook_helpers import endpoint_of, published


def test_rescheduling_and_outcomes_are_published(app, client, session, security):
    clinic = make_clinic(session)
    therapist = make_therapist(session, security, clinic)
    open_hours(session, therapist, start_hour=0, end_hour=24)
    session_type = make_session_type(session, therapist)
    patient = make_client(session, security)
    endpoint = endpoint_of(session, app_adapters(app).get(FIELD_CIPHER), clinic.id)
    client_headers = auth_headers(client, patient.user)
    therapist_headers = auth_headers(client, therapist.user)
    booked = client.post(
        "/api/v1/appointments",
        headers=client_headers,
        json={
            "therapist_id": str(therapist.id),
            "session_type_id": str(session_type.id),
            "start": iso(future_hour(days=3)),
        },
    ).get_json()
    moved = client.post(
        f"/api/v1/appointments/{booked['id']}/reschedule",
        headers=client_headers,
        json={"start": iso(future_hour(days=4))},
    )
    assert moved.status_code == 200, moved.get_json()
    held = past_appointment(
        session, therapist, patient, session_type, starts_at=utcnow() - timedelta(hours=2)
    )
    missed = past_appointment(
        session, therapist, patient, session_type, starts_at=utcnow() - timedelta(hours=30)
    )
    for appointment, action in ((held, "complete"), (missed, "no-show")):
        marked = client.post(
            f"/api/v1/appointments/{appointment.id}/{action}", headers=therapist_headers
        )
        assert marked.status_code == 200, marked.get_json()

    events = published(session, endpoint)
    assert [e["type"] for e in events] == [
        "appointment.booked",
        "appointment.rescheduled",
        "appointment.fulfilled",
        "appointment.noshow",
    ]
    rescheduled = events[1]["data"]
    assert (rescheduled["appointment_id"], rescheduled["status"]) == (booked["id"], "booked")
    assert rescheduled["starts_at"] == iso(future_hour(days=4))
    fulfilled, noshow = events[2]["data"], events[3]["data"]
    assert (fulfilled["appointment_id"], fulfilled["status"]) == (str(held.id), "fulfilled")
    assert (noshow["appointment_id"], noshow["status"]) == (str(missed.id), "noshow")
    assert len({e["id"] for e in events}) == 4


def test_payments_and_refunds_are_published_with_amounts_and_no_reason(
    session, security, make_app, stripe
):
    practice = charging_practice(session, security, make_app, stripe)
    cipher = app_adapters(practice.app).get(FIELD_CIPHER)
    endpoint = endpoint_of(session, cipher, practice.therapist.clinic_id)
    held = practice.book(future_hour(days=3)).get_json()
    payment = practice.pay_hold(held["id"])
    refunded = practice.http.post(
        f"/api/v1/billing/payments/{payment['id']}/refunds",
        headers=practice.admin_headers,
        json={"amount": 4_000, "reason": "goodwill gesture after a hard week"},
    )
    assert refunded.status_code == 201, refunded.get_json()

    events = published(session, endpoint)
    assert [e["type"] for e in events] == [
        "payment.succeeded",
        "appointment.booked",
        "payment.refunded",
    ]
    succeeded, _, refund = (e["data"] for e in events)
    common = {
        "payment_id": payment["id"],
        "client_id": str(practice.client.id),
        "appointment_id": held["id"],
        "status": "captured",
        "amount": FEE,
        "amount_captured": FEE,
        "currency": "USD",
    }
    assert succeeded == {**common, "amount_refunded": 0}
    assert refund == {**common, "amount_refunded": 4_000}
    text = json.dumps(events).lower()
    assert "goodwill" not in text
    assert "hard week" not in text
