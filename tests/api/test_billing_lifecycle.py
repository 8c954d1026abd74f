"""After booking: capture when held, release or refund on cancellation, fees off-session."""

from __future__ import annotations

import uuid
from datetime import timedelta

import pytest
from sqlalchemy import select, update

from app.clock import utcnow
from app.encryption import FIELD_CIPHER
from app.web.extensions import app_adapters
from billing.ledger.models import LedgerEntry
from billing.payments.models import Payment, PaymentStatus, Purpose
from billing.pricing.models import Collection, FeeKind
from scheduling.appointments.models import Appointment
from tests.billing_helpers import FEE, charging_practice
from tests.scheduling_factories import future_hour
from tests.webhook_helpers import endpoint_of, published


def move_into_the_past(session, appointment_id: str, hours: int = 2) -> None:
    """The session started `hours` ago (outcomes can only be recorded once it started)."""
    start = utcnow() - timedelta(hours=hours)
    session.execute(
        update(Appointment)
        .where(Appointment.id == uuid.UUID(appointment_id))
        .values(
            starts_at=start,
            ends_at=start + timedelta(minutes=50),
            block_starts_at=start,
            block_ends_at=start + timedelta(minutes=60),
        )
    )
    session.commit()


def payment_of(session, appointment_id: str, purpose=Purpose.SESSION) -> Payment:
    payment = session.scalar(
        select(Payment).where(
            Payment.appointment_id == uuid.UUID(appointment_id), Payment.purpose == purpose
        )
    )
    session.refresh(payment)
    return payment


def balance_of(session, practice) -> int:
    entries = session.scalars(
        select(LedgerEntry).where(LedgerEntry.client_id == practice.client.id)
    )
    return sum(e.amount for e in entries)


def booked_and_paid(practice, *, days: int = 3, card: str = "pm_card_visa") -> str:
    held = practice.book(future_hour(days=days)).get_json()
    practice.pay_hold(held["id"], card=card)
    return held["id"]


@pytest.fixture
def authorizing(session, security, make_app, stripe):
    return charging_practice(
        session, security, make_app, stripe, collection=Collection.AUTHORIZE_THEN_CAPTURE
    )


def test_authorized_at_booking_and_captured_when_marked_held(authorizing, session):
    appointment_id = booked_and_paid(authorizing)
    payment = payment_of(session, appointment_id)
    assert payment.status is PaymentStatus.AUTHORIZED
    assert payment.amount_captured == 0
    assert authorizing.appointment(appointment_id)["status"] == "booked"
    assert authorizing.fake.object(payment.intent_id)["status"] == "requires_capture"

    move_into_the_past(session, appointment_id)
    marked = authorizing.http.post(
        f"/api/v1/appointments/{appointment_id}/complete", headers=authorizing.therapist_headers
    )
    assert marked.status_code == 200, marked.get_json()
    authorizing.run_worker()

    payment = payment_of(session, appointment_id)
    assert payment.status is PaymentStatus.CAPTURED
    assert payment.amount_captured == FEE
    assert authorizing.fake.object(payment.intent_id)["status"] == "succeeded"
    assert balance_of(session, authorizing) == 0


def test_cancelled_in_time_releases_the_authorization(authorizing, session):
    appointment_id = booked_and_paid(authorizing, days=4)
    cancelled = authorizing.http.post(
        f"/api/v1/appointments/{appointment_id}/cancel",
        headers=authorizing.client_headers,
        json={"reason": None},
    )
    assert cancelled.status_code == 200
    authorizing.run_worker()
    payment = payment_of(session, appointment_id)
    assert payment.status is PaymentStatus.CANCELED
    assert authorizing.fake.object(payment.intent_id)["status"] == "canceled"
    assert session.scalar(select(Payment).where(Payment.purpose != Purpose.SESSION)) is None


def test_a_session_further_ahead_than_an_authorization_lasts_saves_the_card_and_charges_later(
    authorizing, session
):
    held = authorizing.book(future_hour(days=12)).get_json()
    checkout = authorizing.http.post(
        f"/api/v1/appointments/{held['id']}/payment", headers=authorizing.client_headers
    ).get_json()
    assert checkout["kind"] == "setup"
    setup_id = checkout["client_secret"].split("_secret_")[0]
    authorizing.fake.succeed_setup_intent(setup_id)
    confirmed = authorizing.http.post(
        f"/api/v1/billing/payments/{checkout['payment']['id']}/confirm",
        headers=authorizing.client_headers,
    ).get_json()
    assert confirmed["status"] == "scheduled"
    assert authorizing.appointment(held["id"])["status"] == "booked"
    charge_after = payment_of(session, held["id"]).charge_after
    start = future_hour(days=12)
    assert charge_after == start - timedelta(days=5)
    authorizing.run_worker()  # not due yet: nothing is charged
    assert [r for r in authorizing.fake.requests if r.path == "/v1/payment_intents"] == []

    # Five days before the session the card is authorized off-session.
    authorizing.worker.run_once(now=charge_after + timedelta(minutes=1))
    payment = payment_of(session, held["id"])
    assert payment.status is PaymentStatus.AUTHORIZED
    intent = authorizing.fake.object(payment.intent_id)
    assert intent["capture_method"] == "manual"
    assert intent["amount"] == FEE


@pytest.fixture
def strict(session, security, make_app, stripe):
    """At-booking collection, a $50 late-cancellation fee and a no-show fee of half the fee."""
    return charging_practice(
        session,
        security,
        make_app,
        stripe,
        late_cancel_fee_kind=FeeKind.FIXED,
        late_cancel_fee_value=5_000,
        no_show_fee_kind=FeeKind.SHARE,
        no_show_fee_value=5_000,
    )


def test_late_cancellation_refunds_the_session_and_charges_the_fee_off_session(strict, session):
    appointment_id = booked_and_paid(strict, days=1)
    response = strict.http.post(
        f"/api/v1/appointments/{appointment_id}/cancel",
        headers=strict.client_headers,
        json={"reason": "cannot make it"},
    )
    assert response.get_json()[0]["late_cancellation"] is True
    strict.run_worker()

    session_payment = payment_of(session, appointment_id)
    assert session_payment.amount_refunded == FEE
    fee = payment_of(session, appointment_id, Purpose.LATE_CANCELLATION_FEE)
    assert (fee.status, fee.amount, fee.amount_captured) == (PaymentStatus.CAPTURED, 5_000, 5_000)
    off_session = strict.fake.object(fee.intent_id)
    assert off_session["amount"] == 5_000
    assert off_session["status"] == "succeeded"
    assert balance_of(session, strict) == 0


def test_no_show_fee_is_a_share_of_the_session_fee(strict, session):
    appointment_id = booked_and_paid(strict)
    move_into_the_past(session, appointment_id)
    strict.http.post(
        f"/api/v1/appointments/{appointment_id}/no-show", headers=strict.therapist_headers
    )
    strict.run_worker()
    fee = payment_of(session, appointment_id, Purpose.NO_SHOW_FEE)
    assert (fee.amount, fee.status) == (FEE // 2, PaymentStatus.CAPTURED)


def test_therapist_cancellation_refunds_in_full_and_charges_no_fee(strict, session):
    appointment_id = booked_and_paid(strict, days=1)
    strict.http.post(
        f"/api/v1/appointments/{appointment_id}/cancel",
        headers=strict.therapist_headers,
        json={"reason": None},
    )
    strict.run_worker()
    assert payment_of(session, appointment_id).amount_refunded == FEE
    assert session.scalar(select(Payment).where(Payment.purpose != Purpose.SESSION)) is None
    refunds = [m for m in strict.mailer.sent if m["Subject"].startswith("Refund")]
    assert len(refunds) == 1
    assert "$150.00" in refunds[0].get_content()


def test_authentication_required_becomes_a_balance_paid_later(strict, session):
    appointment_id = booked_and_paid(strict, days=1, card="pm_card_authenticationRequired")
    endpoint = endpoint_of(
        session, app_adapters(strict.app).get(FIELD_CIPHER), strict.therapist.clinic_id
    )
    strict.http.post(
        f"/api/v1/appointments/{appointment_id}/cancel",
        headers=strict.client_headers,
        json={"reason": None},
    )
    strict.run_worker()
    fee = payment_of(session, appointment_id, Purpose.LATE_CANCELLATION_FEE)
    assert (fee.status, fee.failure_code) == (PaymentStatus.FAILED, "authentication_required")
    failed = [e for e in published(session, endpoint) if e["type"] == "payment.failed"]
    assert [(e["data"]["payment_id"], e["data"]["status"]) for e in failed] == [
        (str(fee.id), "failed")
    ]
    needed = [m for m in strict.mailer.sent if m["Subject"].startswith("Payment needed")]
    assert len(needed) == 1
    assert f"/billing/payments/{fee.id}" in needed[0].get_content()
    balance = strict.http.get("/api/v1/billing/balance", headers=strict.client_headers).get_json()[
        "items"
    ]
    assert balance[0]["amount"] == 5_000
    assert balance[0]["open_payments"][0]["id"] == str(fee.id)

    checkout = strict.http.post(
        f"/api/v1/billing/payments/{fee.id}/pay", headers=strict.client_headers
    ).get_json()
    strict.fake.succeed_payment_intent(checkout["client_secret"].split("_secret_")[0])
    paid = strict.http.post(
        f"/api/v1/billing/payments/{fee.id}/confirm", headers=strict.client_headers
    ).get_json()
    assert paid["status"] == "captured"
    assert paid["amount_captured"] == 5_000
    assert balance_of(session, strict) == 0


def test_a_declined_fee_is_an_open_balance(strict, session):
    appointment_id = booked_and_paid(strict, days=1)
    customer_card = strict.fake.object(payment_of(session, appointment_id).intent_id)
    assert customer_card["payment_method"]
    # The saved card is declined from now on.
    from billing.payments.models import BillingCustomer

    session.execute(update(BillingCustomer).values(default_card_id="pm_card_chargeDeclined"))
    session.commit()
    strict.http.post(
        f"/api/v1/appointments/{appointment_id}/cancel",
        headers=strict.client_headers,
        json={"reason": None},
    )
    strict.run_worker()
    fee = payment_of(session, appointment_id, Purpose.LATE_CANCELLATION_FEE)
    assert fee.status is PaymentStatus.FAILED
    assert fee.failure_code in {"generic_decline", "card_declined"}
    assert balance_of(session, strict) == 5_000


def test_a_worker_crash_between_the_stripe_call_and_the_commit_charges_once(
    strict, session, monkeypatch
):
    import billing.payments.charging as charging

    appointment_id = booked_and_paid(strict, days=1)
    real_apply = charging.apply_state
    crashes = []

    def crash_once(*args, **kwargs):
        if not crashes:
            crashes.append(True)
            raise RuntimeError("worker killed after Stripe answered")
        return real_apply(*args, **kwargs)

    monkeypatch.setattr(charging, "apply_state", crash_once)
    strict.http.post(
        f"/api/v1/appointments/{appointment_id}/cancel",
        headers=strict.client_headers,
        json={"reason": None},
    )
    strict.run_worker()
    assert crashes == [True]
    fee = payment_of(session, appointment_id, Purpose.LATE_CANCELLATION_FEE)
    assert fee.status is PaymentStatus.SCHEDULED  # the crash rolled our side back

    strict.worker.run_once(now=utcnow() + timedelta(minutes=5))
    fee = payment_of(session, appointment_id, Purpose.LATE_CANCELLATION_FEE)
    assert fee.status is PaymentStatus.CAPTURED
    fee_intents = [
        e["data"]["object"]["id"]
        for e in strict.fake.events
        if e["type"] == "payment_intent.created" and e["data"]["object"]["amount"] == 5_000
    ]
    assert fee_intents == [fee.intent_id]
    assert balance_of(session, strict) == 0
