"""The Stripe webhook: real signatures, replays, reordering, stale timestamps, unknown types."""

from __future__ import annotations

import time
import uuid

import pytest
from sqlalchemy import func, select

from billing.payments.models import Payment, PaymentStatus, ProviderEvent
from tests.billing_helpers import charging_practice
from tests.scheduling_factories import future_hour


@pytest.fixture
def practice(session, security, make_app, stripe):
    return charging_practice(session, security, make_app, stripe)


def paid_at_stripe(practice):
    """A hold whose card the frontend confirmed at Stripe; nobody told our API."""
    held = practice.book(future_hour(days=3)).get_json()
    checkout = practice.http.post(
        f"/api/v1/appointments/{held['id']}/payment", headers=practice.client_headers
    ).get_json()
    intent_id = checkout["client_secret"].split("_secret_")[0]
    practice.fake.succeed_payment_intent(intent_id)
    return held, intent_id


def events_for(fake, intent_id):
    return [e for e in fake.events if e["data"]["object"].get("id") == intent_id]


def test_a_signed_succeeded_event_books_the_hold_through_the_worker(practice, session):
    held, intent_id = paid_at_stripe(practice)
    succeeded = next(
        e for e in events_for(practice.fake, intent_id) if e["type"] == "payment_intent.succeeded"
    )

    response = practice.post_event(succeeded)
    assert response.status_code == 200
    assert response.get_json() == {
        "received": True,
        "duplicate": False,
    }
    assert practice.appointment(held["id"])["status"] == "pending"  # acknowledged before handling
    practice.run_worker()
    assert practice.appointment(held["id"])["status"] == "booked"


def test_a_replayed_event_is_acknowledged_and_processed_once(practice, session):
    _held, intent_id = paid_at_stripe(practice)
    succeeded = next(
        e for e in events_for(practice.fake, intent_id) if e["type"] == "payment_intent.succeeded"
    )
    assert practice.post_event(succeeded).get_json()["duplicate"] is False
    assert practice.post_event(succeeded).get_json()["duplicate"] is True
    practice.run_worker()
    assert session.scalar(select(func.count()).select_from(ProviderEvent)) == 1
    payment = session.scalar(select(Payment))
    assert payment.status is PaymentStatus.CAPTURED
    assert payment.amount_captured == 15_000


def test_events_out_of_order_leave_the_state_of_the_object(practice, session):
    held, intent_id = paid_at_stripe(practice)
    # The "created" event (requires_payment_method) arrives after "succeeded".
    for event in reversed(events_for(practice.fake, intent_id)):
        assert practice.post_event(event).status_code == 200
    practice.run_worker()
    payment = session.scalar(select(Payment))
    assert payment.status is PaymentStatus.CAPTURED
    assert practice.appointment(held["id"])["status"] == "booked"


def test_a_bad_signature_is_refused_and_records_nothing(practice, session):
    _held, intent_id = paid_at_stripe(practice)
    event = events_for(practice.fake, intent_id)[-1]
    response = practice.post_event(event, secret="whsec_someone_else")
    assert response.status_code == 422
    assert response.get_json()["message"] == "The webhook signature or body is not valid."
    assert session.scalar(select(func.count()).select_from(ProviderEvent)) == 0


def test_a_stale_timestamp_is_refused(practice, session):
    _held, intent_id = paid_at_stripe(practice)
    event = events_for(practice.fake, intent_id)[-1]
    response = practice.post_event(event, timestamp=int(time.time()) - 3600)
    assert response.status_code == 422


def test_a_tampered_body_is_refused(practice):
    from tests.stripe_fake import event_payload, sign_payload

    event = {
        "id": "evt_x",
        "type": "payment_intent.succeeded",
        "data": {"object": {"id": "pi_x", "object": "payment_intent"}},
    }
    header = sign_payload(event_payload(event), "whsec_test_secret", int(time.time()))
    response = practice.http.post(
        "/api/v1/billing/stripe/webhook",
        data=event_payload(event).replace(b"pi_x", b"pi_y"),
        headers={"Stripe-Signature": header, "Content-Type": "application/json"},
    )
    assert response.status_code == 422


def test_unknown_event_types_are_acknowledged_and_ignored(practice, session):
    event = {
        "id": f"evt_{uuid.uuid4().hex}",
        "object": "event",
        "type": "customer.subscription.created",
        "data": {"object": {"id": "sub_1", "object": "subscription"}},
    }
    response = practice.post_event(event)
    assert response.status_code == 200
    practice.run_worker()
    assert session.scalar(select(func.count()).select_from(ProviderEvent)) == 1


def test_an_event_about_an_unknown_intent_changes_nothing(practice, session):
    event = {
        "id": f"evt_{uuid.uuid4().hex}",
        "object": "event",
        "type": "payment_intent.succeeded",
        "data": {"object": {"id": "pi_not_ours", "object": "payment_intent"}},
    }
    assert practice.post_event(event).status_code == 200
    practice.run_worker()  # must not raise or dead-letter the batch
    assert session.scalar(select(Payment.id)) is None


def test_an_event_about_a_setup_stripe_does_not_know_is_done_not_retried(practice, session):
    from app.outbox.models import OutboxMessage, OutboxStatus

    event = {
        "id": f"evt_{uuid.uuid4().hex}",
        "object": "event",
        "type": "setup_intent.succeeded",
        "data": {"object": {"id": "seti_gone", "object": "setup_intent"}},
    }
    assert practice.post_event(event).status_code == 200
    practice.run_worker()
    message = session.scalar(
        select(OutboxMessage).where(OutboxMessage.topic == "billing.provider_event")
    )
    session.refresh(message)
    assert message.status is OutboxStatus.SENT
    assert message.attempts == 1
