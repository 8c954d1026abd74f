"""Emailed links under concurrency: one reset link, many simultaneous uses, one new password."""

from __future__ import annotations

from collections import Counter

from sqlalchemy import select

from app.identity.links.tokens import link_to
from app.identity.models import AuthSession, EmailToken, EmailTokenPurpose, User
from app.identity.security import EmailLinks
from app.mail.delivery import EMAIL
from app.outbox.models import OutboxMessage
from tests.concurrency_helpers import run_together
from tests.delivery_helpers import rendered
from tests.factories import login, make_client

PASSWORDS = [f"violet-submarine-carousel-{n:02d}" for n in range(6)]


def test_six_simultaneous_resets_with_one_link_set_exactly_one_password(
    live_app, committed, security
):
    person = make_client(committed, security)
    login(live_app.test_client(), person.user.email)
    asked = live_app.test_client().post(
        "/api/v1/auth/password-reset", json={"email": person.user.email}
    )
    assert asked.status_code == 202
    text = rendered(
        committed.scalars(select(OutboxMessage.payload).where(OutboxMessage.topic == EMAIL)).one()
    )["text"]
    [link] = [word for word in text.split() if "#token=" in word]
    token = link.split("#token=", 1)[1]
    assert link == link_to(EmailLinks(), EmailTokenPurpose.RESET_PASSWORD, token)

    def reset(password: str):
        return lambda: live_app.test_client().post(
            "/api/v1/auth/password-reset/complete", json={"token": token, "password": password}
        )

    responses = run_together([reset(password) for password in PASSWORDS])
    assert Counter(r.status_code for r in responses) == {204: 1, 401: 5}
    [winner] = [p for p, r in zip(PASSWORDS, responses, strict=True) if r.status_code == 204]
    committed.rollback()  # end the read transaction: see what the requests committed
    user = committed.get_one(User, person.user_id)
    matching = [p for p in PASSWORDS if security.passwords.verify(user.password_hash, p)]
    assert matching == [winner], (matching, winner, [r.status_code for r in responses])
    assert committed.scalars(select(EmailToken.used_at)).one() is not None
    assert {s.revoke_reason for s in committed.scalars(select(AuthSession))} == {"password_reset"}
    notices = [
        rendered(m.payload)["subject"]
        for m in committed.scalars(select(OutboxMessage).where(OutboxMessage.topic == EMAIL))
    ]
    assert notices.count("Your password was changed") == 1
