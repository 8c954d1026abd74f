"""Two admins saving the same hours at the same moment with one ETag: one wins, one gets 412."""

from __future__ import annotations

from collections import Counter

from app.identity.models import Role
from tests.concurrency_helpers import run_together
from tests.factories import login, make_clinic, make_therapist, make_user


def test_simultaneous_writes_with_one_etag_let_exactly_one_through(live_app, committed, security):
    clinic = make_clinic(committed)
    therapist = make_therapist(committed, security, clinic)
    admins = [make_user(committed, security, Role.ADMIN, clinic=clinic) for _ in range(4)]
    committed.commit()
    tokens = [login(live_app.test_client(), admin.email)["access_token"] for admin in admins]
    url = f"/api/v1/therapists/{therapist.id}/availability"
    etag = live_app.test_client().get(url).headers["ETag"]

    def save(index: int):
        def attempt():
            return live_app.test_client().put(
                url,
                headers={"Authorization": f"Bearer {tokens[index]}", "If-Match": etag},
                json={
                    "timezone": "Asia/Kolkata",
                    "weekly": [
                        {"weekday": "monday", "start": f"{9 + index:02d}:00", "end": "20:00"}
                    ],
                    "overrides": [],
                },
            )

        return attempt

    responses = run_together([save(i) for i in range(len(admins))])
    statuses = Counter(r.status_code for r in responses)
    assert statuses == {200: 1, 412: 3}, statuses
    (winner,) = [r for r in responses if r.status_code == 200]
    saved = live_app.test_client().get(url).get_json()
    assert saved["weekly"] == winner.get_json()["weekly"]
