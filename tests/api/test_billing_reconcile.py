"""`flask billing reconcile` finds every difference between our ledger and Stripe."""

from __future__ import annotations

import uuid

import pytest
import stripe as stripe_library
from sqlalchemy import update

from billing.payments.models import Payment
from tests.billing_helpers import FEE, charging_practice
from tests.scheduling_factories import future_hour


@pytest.fixture
def practice(session, security, make_app, stripe):
    return charging_practice(session, security, make_app, stripe)


def reconcile(practice):
    return practice.app.test_cli_runner().invoke(
        args=["billing", "reconcile", "--since", "2000-01-01"]
    )


def paid(practice, days: int = 3) -> str:
    held = practice.book(future_hour(days=days)).get_json()
    return str(practice.pay_hold(held["id"])["id"])


def test_a_ledger_that_agrees_has_no_differences(practice, session):
    payment_id = paid(practice)
    practice.http.post(
        f"/api/v1/billing/payments/{payment_id}/refunds",
        headers=practice.admin_headers,
        json={"amount": 1_000},
    )
    result = reconcile(practice)
    assert result.exit_code == 0, result.output
    assert "0 difference(s)" in result.output


def test_refunds_made_at_stripe_and_amounts_we_got_wrong_are_each_reported(practice, session):
    payment_id = paid(practice)
    intent_id = session.get(Payment, uuid.UUID(payment_id)).intent_id
    # Someone refunds in the Stripe dashboard, bypassing the API.
    client = stripe_library.StripeClient(
        practice.fake.api_key, base_addresses={"api": practice.fake.url}
    )
    outside = client.v1.refunds.create({"payment_intent": intent_id, "amount": 2_500})
    # And our row is corrupted.
    other_id = paid(practice, days=4)
    session.execute(
        update(Payment).where(Payment.id == uuid.UUID(other_id)).values(amount_captured=FEE - 1)
    )
    session.commit()

    result = reconcile(practice)
    assert result.exit_code == 1
    lines = result.output.splitlines()
    assert any(outside["id"] in line and "refund unknown to us" in line for line in lines)
    assert any(
        intent_id in line and "refunded amounts differ" in line and "Stripe 2500" in line
        for line in lines
    )
    other_intent = session.get(Payment, uuid.UUID(other_id)).intent_id
    assert any(other_intent in line and "captured amounts differ" in line for line in lines)
    assert "3 difference(s)" in result.output
