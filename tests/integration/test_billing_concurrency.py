"""Concurrent refunds never return more than was captured (real transactions, real pool)."""

from __future__ import annotations

import uuid
from collections import Counter

from sqlalchemy import func, select

from app.factory import create_app
from app.identity.models import Role
from billing.payments.models import Payment, Refund
from billing.pricing.models import BillingPolicy, Collection, SessionFee
from tests.billing_helpers import FEE, stripe_config
from tests.concurrency_helpers import run_together
from tests.conftest import app_config_for_tests
from tests.factories import login, make_client, make_clinic, make_therapist, make_user
from tests.scheduling_factories import future_hour, iso, make_session_type, open_hours


def bearer(app, user) -> dict[str, str]:
    return {"Authorization": f"Bearer {login(app.test_client(), user.email)['access_token']}"}


def test_six_concurrent_refunds_cannot_exceed_the_capture(
    committed, security, stripe, database_url, tmp_path
):
    app = create_app(app_config_for_tests(database_url, tmp_path, **stripe_config(stripe)))
    clinic = make_clinic(committed)
    committed.add(BillingPolicy(clinic_id=clinic.id, collection=Collection.AT_BOOKING))
    therapist = make_therapist(committed, security, clinic)
    open_hours(committed, therapist)
    session_type = make_session_type(committed, therapist)
    committed.add(SessionFee(session_type_id=session_type.id, amount=FEE))
    patient = make_client(committed, security)
    admin = make_user(committed, security, Role.ADMIN, clinic=clinic)
    committed.commit()
    http = app.test_client()
    client_headers = bearer(app, patient.user)
    held = http.post(
        "/api/v1/appointments",
        headers=client_headers,
        json={
            "therapist_id": str(therapist.id),
            "session_type_id": str(session_type.id),
            "start": iso(future_hour(days=3)),
            "hold": True,
        },
    ).get_json()
    checkout = http.post(
        f"/api/v1/appointments/{held['id']}/payment", headers=client_headers
    ).get_json()
    stripe.succeed_payment_intent(checkout["client_secret"].split("_secret_")[0])
    payment_id = checkout["payment"]["id"]
    assert (
        http.post(
            f"/api/v1/billing/payments/{payment_id}/confirm", headers=client_headers
        ).get_json()["status"]
        == "captured"
    )
    admin_headers = bearer(app, admin)

    def refund_6000() -> int:
        return (
            app.test_client()
            .post(
                f"/api/v1/billing/payments/{payment_id}/refunds",
                headers=admin_headers,
                json={"amount": 6_000},
            )
            .status_code
        )

    statuses = Counter(run_together([refund_6000 for _ in range(6)]))
    assert statuses == {201: 2, 409: 4}
    committed.expire_all()
    refunded = committed.get_one(Payment, uuid.UUID(payment_id)).amount_refunded
    total = committed.scalar(select(func.sum(Refund.amount)))
    assert refunded == total == 12_000
    charges = [r for r in stripe.requests if r.path == "/v1/refunds" and r.method == "POST"]
    assert sum(int(r.params["amount"]) for r in charges if r.status == 200) == 12_000
