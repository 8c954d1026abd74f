"""Paying for sessions through the real stripe library against the local Stripe server."""

from __future__ import annotations

import uuid

import pytest
from sqlalchemy import select, update

from app.clock import utcnow
from billing.ledger.models import LedgerEntry
from billing.payments.models import Payment
from billing.pricing.models import Collection
from scheduling.appointments.models import Appointment
from tests.billing_helpers import FEE, charging_practice
from tests.scheduling_factories import future_hour


@pytest.fixture
def practice(session, security, make_app, stripe):
    return charging_practice(session, security, make_app, stripe)


def ledger(session, payment_id):
    return sorted(
        (e.kind.value, e.amount)
        for e in session.scalars(
            select(LedgerEntry).where(LedgerEntry.payment_id == uuid.UUID(payment_id))
        )
    )


def test_book_and_pay_books_the_hold_captures_and_sends_a_receipt(practice, session):
    held = practice.book(future_hour(days=3))
    assert held.status_code == 201, held.get_json()
    body = held.get_json()
    assert body["status"] == "pending"
    assert body["payment_due"] is True

    payment = practice.pay_hold(body["id"])

    assert payment["status"] == "captured"
    assert payment["amount_captured"] == FEE
    assert practice.appointment(body["id"])["status"] == "booked"
    assert ledger(session, payment["id"]) == [("charge", FEE), ("payment", -FEE)]
    practice.run_worker()
    receipts = [m for m in practice.mailer.sent if m["Subject"].startswith("Receipt")]
    assert len(receipts) == 1
    assert "$150.00" in receipts[0].get_content()
    intent = practice.fake.object(payment_id_to_intent(session, payment["id"]))
    assert intent["amount"] == FEE
    assert intent["currency"] == "usd"
    assert intent["metadata"] == {"reference": payment["id"]}


def payment_id_to_intent(session, payment_id):
    return session.get(Payment, uuid.UUID(payment_id)).intent_id


def test_the_clients_word_is_not_taken_for_payment(practice, session):
    held = practice.book(future_hour(days=3)).get_json()
    checkout = practice.http.post(
        f"/api/v1/appointments/{held['id']}/payment", headers=practice.client_headers
    ).get_json()
    assert checkout["kind"] == "payment"
    assert checkout["client_secret"]
    assert checkout["publishable_key"] == "pk_test_local"

    # The client says it paid without paying at Stripe: nothing changes.
    confirmed = practice.http.post(
        f"/api/v1/billing/payments/{checkout['payment']['id']}/confirm",
        headers=practice.client_headers,
    )
    assert confirmed.get_json()["status"] == "due"
    assert practice.appointment(held["id"])["status"] == "pending"
    # And the scheduling confirm endpoint refuses a hold that is paid for.
    refused = practice.http.post(
        f"/api/v1/appointments/{held['id']}/confirm", headers=practice.client_headers
    )
    assert refused.status_code == 409


def test_starting_twice_reuses_one_intent(practice, session):
    held = practice.book(future_hour(days=3)).get_json()
    first = practice.http.post(
        f"/api/v1/appointments/{held['id']}/payment", headers=practice.client_headers
    ).get_json()
    second = practice.http.post(
        f"/api/v1/appointments/{held['id']}/payment", headers=practice.client_headers
    ).get_json()
    assert first["client_secret"] == second["client_secret"]
    created = [r for r in practice.fake.requests if r.path == "/v1/payment_intents"]
    assert len(created) == 1
    customers = [r for r in practice.fake.requests if r.path == "/v1/customers"]
    assert len(customers) == 1


def test_booking_a_paid_session_without_a_hold_or_card_is_refused(practice, session):
    response = practice.book(future_hour(days=3), hold=False)
    assert response.status_code == 422
    assert "hold" in response.get_json()["message"]
    assert session.scalar(select(Appointment.id)) is None


def test_a_clinic_that_collects_nothing_books_without_payment(session, security, make_app, stripe):
    practice = charging_practice(session, security, make_app, stripe, collection=Collection.NONE)
    response = practice.book(future_hour(days=3), hold=False)
    assert response.status_code == 201
    assert response.get_json()["payment_due"] is False
    assert session.scalar(select(Payment.id)) is None
    assert stripe.requests == []


def test_another_clients_payment_is_404(practice, session, security):
    from tests.factories import auth_headers, make_client

    held = practice.book(future_hour(days=3)).get_json()
    stranger = auth_headers(practice.http, make_client(session, security).user)
    assert (
        practice.http.post(f"/api/v1/appointments/{held['id']}/payment", headers=stranger)
    ).status_code == 404
    payment_id = session.scalar(select(Payment.id))
    for path in (
        f"/api/v1/billing/payments/{payment_id}",
        f"/api/v1/billing/payments/{payment_id}/refunds",
    ):
        assert practice.http.get(path, headers=stranger).status_code == 404
    assert (
        practice.http.post(f"/api/v1/billing/payments/{payment_id}/pay", headers=stranger)
    ).status_code == 404


def test_a_paid_hold_that_lapsed_is_not_booked_and_its_money_goes_back(practice, session):
    held = practice.book(future_hour(days=3)).get_json()
    checkout = practice.http.post(
        f"/api/v1/appointments/{held['id']}/payment", headers=practice.client_headers
    ).get_json()
    session.execute(
        update(Appointment)
        .values(hold_expires_at=utcnow())
        .where(Appointment.id == uuid.UUID(held["id"]))
    )
    session.commit()
    practice.fake.succeed_payment_intent(checkout["client_secret"].split("_secret_")[0])
    practice.http.post(
        f"/api/v1/billing/payments/{checkout['payment']['id']}/confirm",
        headers=practice.client_headers,
    )
    practice.run_worker()
    assert practice.appointment(held["id"])["status"] != "booked"
    payment = session.get(Payment, uuid.UUID(checkout["payment"]["id"]))
    session.refresh(payment)
    assert payment.amount_refunded == FEE


def test_an_expired_hold_cancels_its_payment_intent(practice, session):
    from app.web.extensions import Database
    from billing.payments.sweeps import release_lapsed_holds

    held = practice.book(future_hour(days=3)).get_json()
    checkout = practice.http.post(
        f"/api/v1/appointments/{held['id']}/payment", headers=practice.client_headers
    ).get_json()
    intent_id = checkout["client_secret"].split("_secret_")[0]
    session.execute(
        update(Appointment)
        .values(hold_expires_at=utcnow())
        .where(Appointment.id == uuid.UUID(held["id"]))
    )
    session.commit()

    assert release_lapsed_holds(Database.state(practice.app).sessionmaker) == 1
    practice.run_worker()

    assert practice.fake.object(intent_id)["status"] == "canceled"
    payment = session.get(Payment, uuid.UUID(checkout["payment"]["id"]))
    session.refresh(payment)
    assert payment.status.value == "canceled"
    assert practice.appointment(held["id"])["status"] == "cancelled"
    assert release_lapsed_holds(Database.state(practice.app).sessionmaker) == 0


def test_a_connected_clinic_is_charged_on_its_own_account_with_the_platform_fee(
    session, security, make_app, stripe
):
    practice = charging_practice(
        session,
        security,
        make_app,
        stripe,
        stripe_account_id="acct_1ClinicOwn",
        platform_fee_basis_points=1_000,
    )
    held = practice.book(future_hour(days=3)).get_json()
    checkout = practice.http.post(
        f"/api/v1/appointments/{held['id']}/payment", headers=practice.client_headers
    ).get_json()
    intent_id = checkout["client_secret"].split("_secret_")[0]
    created = next(r for r in stripe.requests if r.path == "/v1/payment_intents")
    assert created.stripe_account == "acct_1ClinicOwn"
    assert created.params["application_fee_amount"] == str(FEE // 10)  # 10% of the fee
    customer = next(r for r in stripe.requests if r.path == "/v1/customers")
    assert customer.stripe_account == "acct_1ClinicOwn"
    stripe.succeed_payment_intent(intent_id, stripe_account="acct_1ClinicOwn")
    confirmed = practice.http.post(
        f"/api/v1/billing/payments/{checkout['payment']['id']}/confirm",
        headers=practice.client_headers,
    ).get_json()
    assert confirmed["status"] == "captured"
