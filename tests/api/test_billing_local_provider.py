"""Without Stripe keys (make run) the local provider takes payments end to end."""

from __future__ import annotations

from tests.billing_helpers import charging_practice
from tests.scheduling_factories import future_hour


def test_hold_pay_and_book_with_the_local_provider(session, security, make_app, stripe):
    practice = charging_practice(session, security, make_app, stripe)
    practice.app = make_app()  # no STRIPE_* settings: the local provider
    practice.http = practice.app.test_client()
    held = practice.book(future_hour(days=3)).get_json()
    assert held["payment_due"] is True
    checkout = practice.http.post(
        f"/api/v1/appointments/{held['id']}/payment", headers=practice.client_headers
    ).get_json()
    assert checkout["publishable_key"] == "pk_local"
    paid = practice.http.post(
        f"/api/v1/billing/payments/{checkout['payment']['id']}/confirm",
        headers=practice.client_headers,
    ).get_json()
    assert paid["status"] == "captured"
    assert practice.appointment(held["id"])["status"] == "booked"
    assert stripe.requests == []  # nothing left the process
