"""Concurrent failed sign-ins are each counted exactly once (row upserts, not read-then-write)."""

from __future__ import annotations

import hashlib
from collections import Counter

from sqlalchemy import select

from app.identity.models import LoginThrottle
from tests.concurrency_helpers import run_together
from tests.factories import make_client


def test_twelve_simultaneous_wrong_passwords_are_all_counted(live_app, committed, security):
    email = make_client(committed, security).user.email

    def wrong(n: int):
        return lambda: live_app.test_client().post(
            "/api/v1/auth/login",
            json={"email": email, "password": "not-the-password-at-all"},
            environ_base={"REMOTE_ADDR": f"198.51.100.{n}"},
        )

    responses = run_together([wrong(n) for n in range(12)])
    statuses = Counter(r.status_code for r in responses)
    assert set(statuses) <= {401, 429}
    account = hashlib.sha256(email.encode()).hexdigest()
    committed.rollback()
    failures = committed.scalar(
        select(LoginThrottle.failures).where(LoginThrottle.key == f"account:{account}")
    )
    assert failures == statuses[401]  # every refused password counted, once
    assert statuses[401] >= 4  # the first failures are free and cannot have been turned away
