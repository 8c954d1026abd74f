"""Refunds by admins: partial then full, never more than captured; provider faults charge once."""

from __future__ import annotations

import uuid

import pytest
from sqlalchemy import func, select

from billing.ledger.models import EntryKind, LedgerEntry
from billing.payments.models import Payment, Refund, RefundStatus
from tests.billing_helpers import FEE, charging_practice
from tests.scheduling_factories import future_hour


@pytest.fixture
def practice(session, security, make_app, stripe):
    return charging_practice(session, security, make_app, stripe)


def paid_payment(practice) -> str:
    held = practice.book(future_hour(days=3)).get_json()
    return str(practice.pay_hold(held["id"])["id"])


def refund(practice, payment_id: str, amount: int | None, headers=None):
    return practice.http.post(
        f"/api/v1/billing/payments/{payment_id}/refunds",
        headers=headers or practice.admin_headers,
        json={"amount": amount, "reason": "goodwill"},
    )


def test_partial_then_full_refund_and_an_over_refund_is_refused(practice, session):
    payment_id = paid_payment(practice)
    first = refund(practice, payment_id, 4_000)
    assert first.status_code == 201, first.get_json()
    assert first.get_json()["status"] == "succeeded"
    rest = refund(practice, payment_id, None)
    assert rest.get_json()["amount"] == FEE - 4_000

    over = refund(practice, payment_id, 1)
    assert over.status_code == 409
    assert over.get_json()["errors"] == {"refundable": 0}
    intent = practice.fake.object(session.get(Payment, uuid.UUID(payment_id)).intent_id)
    charge = practice.fake.object(intent["latest_charge"])
    assert charge["amount_refunded"] == FEE
    kinds = session.execute(
        select(LedgerEntry.kind, func.sum(LedgerEntry.amount))
        .where(LedgerEntry.payment_id == uuid.UUID(payment_id))
        .group_by(LedgerEntry.kind)
    ).all()
    assert dict(kinds) == {
        EntryKind.CHARGE: FEE,
        EntryKind.PAYMENT: -FEE,
        EntryKind.REFUND: FEE,
        EntryKind.ADJUSTMENT: -FEE,
    }
    listed = practice.http.get(
        f"/api/v1/billing/payments/{payment_id}/refunds", headers=practice.client_headers
    ).get_json()["items"]
    assert [r["amount"] for r in listed] == [4_000, FEE - 4_000]


def test_only_the_clinics_admins_refund(practice, session, security):
    from app.identity.models import Role
    from tests.factories import auth_headers, make_clinic, make_user

    payment_id = paid_payment(practice)
    assert refund(practice, payment_id, 100, headers=practice.client_headers).status_code == 403
    assert refund(practice, payment_id, 100, headers=practice.therapist_headers).status_code == 403
    other_admin = make_user(session, security, Role.ADMIN, clinic=make_clinic(session))
    session.commit()
    foreign = auth_headers(practice.http, other_admin)
    assert refund(practice, payment_id, 100, headers=foreign).status_code == 404
    assert session.scalar(select(func.count()).select_from(Refund)) == 0


def test_a_refund_the_provider_times_out_on_is_sent_once_by_the_worker(practice, session):
    payment_id = paid_payment(practice)
    practice.fake.timeout_next("/v1/refunds", seconds=3)  # the client gives up after 2 s

    response = refund(practice, payment_id, 5_000)
    assert response.status_code == 201
    assert response.get_json()["status"] == "pending"
    practice.run_worker()  # the outbox retries with the same idempotency key

    stored = session.scalar(select(Refund))
    session.refresh(stored)
    assert stored.status is RefundStatus.SUCCEEDED
    made = [r for r in practice.fake.requests if r.path == "/v1/refunds" and r.method == "POST"]
    assert len(made) == 2
    assert len({r.idempotency_key for r in made}) == 1
    charge = practice.fake.object(
        practice.fake.object(session.get(Payment, uuid.UUID(payment_id)).intent_id)["latest_charge"]
    )
    assert charge["amount_refunded"] == 5_000


def test_a_payment_start_that_timed_out_is_retried_into_the_same_intent(practice, session):
    held = practice.book(future_hour(days=3)).get_json()
    practice.fake.timeout_next("/v1/payment_intents", seconds=3, method="POST")
    timed_out = practice.http.post(
        f"/api/v1/appointments/{held['id']}/payment", headers=practice.client_headers
    )
    assert timed_out.status_code == 409
    assert "did not answer" in timed_out.get_json()["message"]
    retried = practice.http.post(
        f"/api/v1/appointments/{held['id']}/payment", headers=practice.client_headers
    )
    assert retried.status_code == 200
    intents = {
        e["data"]["object"]["id"]
        for e in practice.fake.events
        if e["type"] == "payment_intent.created"
    }
    assert len(intents) == 1
