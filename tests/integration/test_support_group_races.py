"""Support groups under concurrency: seats, waitlist order and aliases hold (both databases)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from datetime import timedelta

from sqlalchemy import text

from tests.concurrency_helpers import run_together
from tests.factories import login, make_client, make_clinic, make_therapist
from tests.scheduling_factories import future_hour, iso, make_session_type, open_hours

SEATS = 3


def _group(live_app, committed, security) -> str:
    host = make_therapist(committed, security, make_clinic(committed))
    open_hours(committed, host, start_hour=0, end_hour=24)
    kind = make_session_type(
        committed, host, name="Group", is_group=True, capacity=SEATS, horizon_days=90
    )
    token = login(live_app.test_client(), host.user.email)["access_token"]
    response = live_app.test_client().post(
        "/api/v1/groups",
        headers={"Authorization": f"Bearer {token}"},
        json={
            "therapist_id": str(host.id),
            "session_type_id": str(kind.id),
            "kind": "peer",
            "title": "Circle",
            "topic": "stress",
            "language": "en",
            "age_group": "adults",
            "cadence": "weekly",
            "first_start": iso(future_hour(days=3) + timedelta(hours=1)),
            "occurrences": 2,
            "guidelines": "Be kind.",
        },
    )
    assert response.status_code == 201, response.get_json()
    return response.get_json()["id"]


def _join(live_app, token: str, group_id: str, alias: str) -> Callable[[], int]:
    def task() -> int:
        return (
            live_app.test_client()
            .post(
                f"/api/v1/groups/{group_id}/members",
                headers={"Authorization": f"Bearer {token}"},
                json={"alias": alias, "guidelines_version": 1},
            )
            .status_code
        )

    return task


def _tokens(live_app, committed, security, count: int) -> list[str]:
    people = [make_client(committed, security, display_name=f"P{n}") for n in range(count)]
    return [login(live_app.test_client(), p.user.email)["access_token"] for p in people]


def test_ten_people_join_three_seats_at_once(live_app, committed, security):
    group_id = _group(live_app, committed, security)
    tokens = _tokens(live_app, committed, security, 10)
    statuses = run_together(
        [_join(live_app, t, group_id, f"Seeker {n}") for n, t in enumerate(tokens)]
    )
    assert Counter(statuses) == {201: 10}
    with committed.bind.connect() as conn:
        per_meeting = conn.execute(
            text(
                "SELECT e.appointment_id, e.status, count(*) FROM group_enrollments e "
                "JOIN appointments a ON a.id = e.appointment_id "
                "GROUP BY e.appointment_id, e.status"
            )
        ).all()
    counts = Counter({(str(meeting), status): n for meeting, status, n in per_meeting})
    meetings = {meeting for meeting, _ in counts}
    assert len(meetings) == 2
    for meeting in meetings:
        assert counts[(meeting, "enrolled")] == SEATS
        assert counts[(meeting, "waitlisted")] == 10 - SEATS


def test_one_alias_is_taken_once_when_many_ask_for_it(live_app, committed, security):
    group_id = _group(live_app, committed, security)
    tokens = _tokens(live_app, committed, security, 6)
    statuses = run_together([_join(live_app, t, group_id, "Phoenix") for t in tokens])
    assert Counter(statuses) == {201: 1, 422: 5}
    with committed.bind.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM group_members")).scalar_one() == 1
