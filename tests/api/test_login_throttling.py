"""Failed sign-ins slow down per account and per address, progressively, never locking out."""

from __future__ import annotations

import hashlib
from datetime import timedelta

import pytest
from sqlalchemy import select, update

from app.clock import utcnow
from app.identity.models import LoginThrottle
from app.mail.delivery import EMAIL
from app.outbox.models import OutboxMessage
from tests.delivery_helpers import rendered
from tests.factories import PASSWORD, make_client

WRONG = "not-the-password-at-all"


def attempt(client, email: str, password: str = WRONG, address: str = "198.51.100.7"):
    return client.post(
        "/api/v1/auth/login",
        json={"email": email, "password": password},
        environ_base={"REMOTE_ADDR": address},
    )


def wait_out(session) -> None:
    """As if every imposed wait had passed."""
    session.execute(update(LoginThrottle).values(blocked_until=utcnow() - timedelta(seconds=1)))
    session.commit()


def counters(session, email: str) -> dict[str, tuple[int, float]]:
    """{kind: (failures, imposed wait in seconds)} of the account's counters."""
    account = hashlib.sha256(email.encode()).hexdigest()
    rows = session.scalars(select(LoginThrottle).where(LoginThrottle.key.contains(account)))
    return {
        row.key.split(":")[0]
        + (":" + row.key.rsplit(":", 1)[1] if row.key.startswith("pair") else ""): (
            row.failures,
            round((row.blocked_until - row.updated_at).total_seconds()),
        )
        for row in rows
    }


@pytest.mark.parametrize("known", [True, False])
def test_waits_double_after_three_free_failures_for_known_and_unknown_accounts(
    client, session, security, known
):
    email = make_client(session, security).user.email if known else "nobody@example.org"
    account_waits = [0, 0, 0, 1, 2, 4, 8, 16, 30, 30]  # capped at 30 s for the account
    address_waits = [0, 0, 0, 1, 2, 4, 8, 16, 32, 64]  # capped at 15 min from one address
    for failures, (wait, longest) in enumerate(
        zip(account_waits, address_waits, strict=True), start=1
    ):
        response = attempt(client, email)
        assert response.status_code == 401
        assert counters(session, email)["account"] == (failures, wait)
        assert counters(session, email)["pair:198.51.100.7"] == (failures, longest)
        if wait:
            blocked = attempt(client, email)
            assert blocked.status_code == 429
            assert blocked.headers["Retry-After"] == str(longest)
            assert blocked.get_json()["message"].startswith("Too many failed attempts")
        wait_out(session)


def test_a_stranger_failing_from_many_addresses_delays_the_owner_by_at_most_the_cap(
    client, session, security
):
    email = make_client(session, security).user.email
    for n in range(40):
        attempt(client, email, address=f"203.0.113.{n}")
        wait_out(session)
    attempt(client, email, address="203.0.113.250")
    from_home = attempt(client, email, PASSWORD, address="192.0.2.10")
    assert from_home.status_code == 429
    assert int(from_home.headers["Retry-After"]) <= 30
    wait_out(session)
    assert attempt(client, email, PASSWORD, address="192.0.2.10").status_code == 200
    assert counters(session, email) == {}  # success forgets every counter of the account


def test_the_throttle_answers_before_the_password_is_checked(client, session, security):
    email = make_client(session, security).user.email
    for _ in range(4):
        attempt(client, email)
    assert attempt(client, email, PASSWORD).status_code == 429  # even the right password waits
    assert counters(session, email)["account"][0] == 4  # and the refused try is not counted


def test_a_password_reset_clears_the_counters(client, session, security):
    email = make_client(session, security).user.email
    for _ in range(4):
        attempt(client, email)
    assert counters(session, email)["account"] == (4, 1)
    assert client.post("/api/v1/auth/password-reset", json={"email": email}).status_code == 202
    text = rendered(
        session.scalars(select(OutboxMessage.payload).where(OutboxMessage.topic == EMAIL)).one()
    )["text"]
    token = text.split("#token=", 1)[1].split()[0]
    reset = client.post(
        "/api/v1/auth/password-reset/complete",
        json={"token": token, "password": "violet-submarine-carousel-41"},
    )
    assert reset.status_code == 204
    assert counters(session, email) == {}
