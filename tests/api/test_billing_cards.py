"""Saved cards: save through a SetupIntent, list, pay off-session, remove; nobody else's card."""

from __future__ import annotations

import uuid

import pytest
from sqlalchemy import select

from app.web.extensions import app_adapters
from billing.payments.models import BillingCustomer, Payment, PaymentStatus
from billing.payments.provider import PAYMENT_PROVIDER
from tests.billing_helpers import FEE, charging_practice
from tests.factories import auth_headers, make_client
from tests.scheduling_factories import future_hour


@pytest.fixture
def practice(session, security, make_app, stripe):
    return charging_practice(session, security, make_app, stripe)


def save_card(practice, card: str = "pm_card_visa") -> list[dict]:
    setup = practice.http.post("/api/v1/billing/payment-methods", headers=practice.client_headers)
    assert setup.status_code == 201, setup.get_json()
    body = setup.get_json()
    assert body["client_secret"].startswith(body["setup_id"])
    practice.fake.succeed_setup_intent(body["setup_id"], card)
    done = practice.http.post(
        "/api/v1/billing/payment-methods/confirm",
        headers=practice.client_headers,
        json={"setup_id": body["setup_id"]},
    )
    assert done.status_code == 200, done.get_json()
    return list(done.get_json())


def test_a_saved_card_is_listed_pays_a_booking_off_session_and_can_be_removed(practice, session):
    cards = save_card(practice)
    assert len(cards) == 1
    card = cards[0]
    assert (card["brand"], card["last4"], card["is_default"]) == ("visa", "4242", True)
    assert set(card) == {"id", "brand", "last4", "exp_month", "exp_year", "is_default"}

    booked = practice.book(future_hour(days=3), hold=False)
    assert booked.status_code == 201, booked.get_json()
    assert booked.get_json()["status"] == "booked"
    practice.run_worker()
    payment = session.scalar(
        select(Payment).where(Payment.appointment_id == uuid.UUID(booked.get_json()["id"]))
    )
    session.refresh(payment)
    assert payment.status is PaymentStatus.CAPTURED
    assert payment.amount_captured == FEE
    intent = practice.fake.object(payment.intent_id)
    assert intent["payment_method"] == card["id"]

    removed = practice.http.delete(
        f"/api/v1/billing/payment-methods/{card['id']}", headers=practice.client_headers
    )
    assert removed.status_code == 204
    listed = practice.http.get("/api/v1/billing/payment-methods", headers=practice.client_headers)
    assert listed.get_json()["items"] == []
    # Without a card, booking without a hold is refused again.
    assert practice.book(future_hour(days=4), hold=False).status_code == 422


def test_another_clients_card_or_setup_does_not_exist_for_you(practice, session, security):
    card = save_card(practice)[0]
    stranger = auth_headers(practice.http, make_client(session, security).user)
    assert (
        practice.http.delete(f"/api/v1/billing/payment-methods/{card['id']}", headers=stranger)
    ).status_code == 404
    setup = practice.http.post("/api/v1/billing/payment-methods", headers=practice.client_headers)
    taken = practice.http.post(
        "/api/v1/billing/payment-methods/confirm",
        headers=stranger,
        json={"setup_id": setup.get_json()["setup_id"]},
    )
    assert taken.status_code == 404
    assert (
        practice.http.get("/api/v1/billing/payment-methods", headers=stranger).get_json()["items"]
        == []
    )


def test_an_unknown_setup_id_is_404(practice):
    response = practice.http.post(
        "/api/v1/billing/payment-methods/confirm",
        headers=practice.client_headers,
        json={"setup_id": "seti_doesnotexist"},
    )
    assert response.status_code == 404


def test_erasing_the_account_deletes_the_customer_at_stripe(practice, session):
    save_card(practice)
    customer = session.scalars(select(BillingCustomer)).one()
    assert practice.fake.object(customer.customer_id)["email"]  # Stripe holds the address
    erased = practice.http.delete("/api/v1/me", headers=practice.client_headers)
    assert erased.status_code == 204
    practice.run_worker()
    assert session.scalars(select(BillingCustomer)).all() == []
    with pytest.raises(KeyError):
        practice.fake.object(customer.customer_id)
    deleted = [r for r in practice.fake.requests if r.method == "DELETE"]
    assert [r.path for r in deleted] == [f"/v1/customers/{customer.customer_id}"]
    provider = app_adapters(practice.app).get(PAYMENT_PROVIDER)
    provider.delete_customer(customer.customer_id, account=customer.account)  # gone: no error


def test_cards_at_an_unknown_clinic_are_404_as_documented(practice):
    unknown = practice.http.get(
        "/api/v1/billing/payment-methods",
        headers=practice.client_headers,
        query_string={"clinic_id": str(uuid.uuid4())},
    )
    assert unknown.status_code == 404
    document = practice.http.get("/openapi.json").get_json()
    assert "404" in document["paths"]["/api/v1/billing/payment-methods"]["get"]["responses"]
