"""Admins publishing the same document at once get distinct, consecutive versions."""

from __future__ import annotations

from collections import Counter

from app.identity.models import Role
from tests.concurrency_helpers import run_together
from tests.factories import login, make_clinic, make_user


def test_five_simultaneous_publishes_number_versions_one_to_five(live_app, committed, security):
    clinic = make_clinic(committed)
    admin = make_user(committed, security, Role.ADMIN, clinic=clinic)
    committed.commit()
    token = login(live_app.test_client(), admin.email)["access_token"]

    def publish(n: int):
        return lambda: live_app.test_client().post(
            f"/api/v1/clinics/{clinic.id}/consent-documents",
            headers={"Authorization": f"Bearer {token}"},
            json={"kind": "telehealth_consent", "title": f"Draft {n}", "body": "Text."},
        )

    responses = run_together([publish(n) for n in range(5)])
    assert Counter(r.status_code for r in responses) == {201: 5}
    assert sorted(r.get_json()["version"] for r in responses) == [1, 2, 3, 4, 5]
