"""Email verification, address change and password reset, with mail through a real SMTP server.

Each link is taken from the delivered message, opened (the page must load) and its token posted
to the API exactly as the page's script does.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import timedelta
from email.message import Message
from urllib.parse import parse_qs, urlsplit

import pytest
from sqlalchemy import select, update

from app.clock import utcnow
from app.factory import wire
from app.identity.models import AuthSession, EmailToken, User
from app.mail.mailers import SmtpMailer, SmtpSettings
from app.outbox.handlers import OUTBOX_HANDLERS
from app.outbox.worker import Worker
from app.privacy import clinical_words_in
from tests.delivery_helpers import drain
from tests.factories import PASSWORD, bearer, login, make_clinic, make_therapist
from tests.scheduling_factories import future_hour, iso, make_session_type, open_hours
from tests.smtp_helpers import Inbox, smtp_inbox

ADDRESS = "river.stone@example.org"
NEW_PASSWORD = "violet-submarine-carousel-41"
LINK = re.compile(r"(https?://\S+#token=\S+)")


@dataclass
class Mail:
    inbox: Inbox
    worker: Worker

    def deliver(self) -> None:
        drain(self.worker)

    def to(self, address: str) -> list[Message]:
        self.deliver()
        return self.inbox.messages_to(address)

    def link_to(self, address: str) -> tuple[str, str]:
        """The (page path, token) of the newest link emailed to the address."""
        body = self.to(address)[-1].get_body(("plain",)).get_content()
        url = urlsplit(LINK.findall(body)[-1])
        return url.path, parse_qs(url.fragment)["token"][0]


@pytest.fixture
def mail(app, session_factory) -> Iterator[Mail]:
    with smtp_inbox() as (inbox, port):
        mailer = SmtpMailer(SmtpSettings("127.0.0.1", port, security="none", timeout=5))
        yield Mail(
            inbox, Worker(session_factory, wire(app.config, mailer=mailer).get(OUTBOX_HANDLERS))
        )


def age_links(session, by: timedelta) -> None:
    """Move every link's sending time back (the limits count from it)."""
    for record in session.scalars(select(EmailToken)):
        record.created_at -= by
    session.commit()


def register(client, email: str = ADDRESS) -> dict:
    response = client.post(
        "/api/v1/auth/register",
        json={
            "email": email,
            "password": "a-long-enough-passphrase",
            "display_name": "River",
            "jurisdiction": "US-CA",
            "timezone": "America/Los_Angeles",
            "age_group": "adults",
        },
    )
    assert response.status_code == 201, response.get_json()
    return response.get_json()


def open_page(client, path: str) -> None:
    page = client.get(path)
    assert page.status_code == 200
    assert "script-src 'self'" in page.headers["Content-Security-Policy"]
    assert page.headers["Referrer-Policy"] == "no-referrer"


def follow(client, mail: Mail, address: str):
    path, token = mail.link_to(address)
    assert path == "/verify-email"
    open_page(client, path)
    return client.post("/api/v1/auth/verify-email", json={"token": token})


def me(client, tokens) -> dict:
    return client.get("/api/v1/me", headers=bearer(tokens)).get_json()["user"]


def test_a_new_client_verifies_by_the_emailed_link_before_booking(client, session, security, mail):
    therapist = make_therapist(session, security, make_clinic(session))
    open_hours(session, therapist)
    session_type = make_session_type(session, therapist)
    tokens = register(client)
    booking = {
        "therapist_id": str(therapist.id),
        "session_type_id": str(session_type.id),
        "start": iso(future_hour()),
    }
    refused = client.post("/api/v1/appointments", headers=bearer(tokens), json=booking)
    assert refused.status_code == 403
    assert refused.get_json()["errors"] == {"email": ["Not verified yet."]}
    assert me(client, tokens)["email_verified"] is False

    [message] = mail.to(ADDRESS)
    assert message["Subject"] == "Confirm your email address"
    body = message.get_body(("plain",)).get_content()
    assert body.count("http://127.0.0.1:5000/verify-email#token=") == 1
    assert clinical_words_in(message["Subject"] + body) == []

    verified = follow(client, mail, ADDRESS)
    assert verified.status_code == 200
    assert verified.get_json()["email_verified"] is True
    assert me(client, tokens)["email_verified"] is True
    booked = client.post("/api/v1/appointments", headers=bearer(tokens), json=booking)
    assert booked.status_code == 201, booked.get_json()


def test_a_verification_link_works_once_and_not_after_it_expires(client, session, mail):
    register(client)
    _, token = mail.link_to(ADDRESS)
    assert client.post("/api/v1/auth/verify-email", json={"token": token}).status_code == 200
    again = client.post("/api/v1/auth/verify-email", json={"token": token})
    assert again.status_code == 401
    assert again.get_json()["message"] == "This link is invalid, was already used or has expired."

    register(client, "late@example.org")
    _, late = mail.link_to("late@example.org")
    session.execute(
        update(EmailToken)
        .where(EmailToken.email == "late@example.org")
        .values(expires_at=utcnow() - timedelta(seconds=1))
    )
    session.commit()
    assert client.post("/api/v1/auth/verify-email", json={"token": late}).status_code == 401
    assert client.post("/api/v1/auth/verify-email", json={"token": token[:-1]}).status_code == 401


def test_resending_spends_the_old_link_and_is_limited(client, session, mail):
    tokens = register(client)
    _, first = mail.link_to(ADDRESS)
    too_soon = client.post("/api/v1/auth/verify-email/resend", headers=bearer(tokens))
    assert too_soon.status_code == 429
    assert 55 <= int(too_soon.headers["Retry-After"]) <= 60

    # Four more links, two minutes apart: the fifth of the day is the last one allowed.
    for _ in range(4):
        age_links(session, timedelta(minutes=2))
        assert (
            client.post("/api/v1/auth/verify-email/resend", headers=bearer(tokens)).status_code
            == 202
        )
    age_links(session, timedelta(minutes=2))
    over = client.post("/api/v1/auth/verify-email/resend", headers=bearer(tokens))
    assert over.status_code == 429
    # The oldest of the five was sent 10 minutes ago: it leaves the 24-hour window in 23h50m.
    assert abs(int(over.headers["Retry-After"]) - (24 * 3600 - 10 * 60)) <= 5
    assert len(mail.to(ADDRESS)) == 5
    assert client.post("/api/v1/auth/verify-email", json={"token": first}).status_code == 401
    assert follow(client, mail, ADDRESS).status_code == 200
    done = client.post("/api/v1/auth/verify-email/resend", headers=bearer(tokens))
    assert done.status_code == 409


def test_changing_the_address_moves_only_when_the_new_one_is_verified(client, session, mail):
    tokens = register(client)
    follow(client, mail, ADDRESS)
    wrong = client.post(
        "/api/v1/auth/email",
        headers=bearer(tokens),
        json={"new_email": "new@example.org", "current_password": "not-my-password-at-all"},
    )
    assert wrong.status_code == 401
    asked = client.post(
        "/api/v1/auth/email",
        headers=bearer(tokens),
        json={"new_email": "New@Example.org", "current_password": "a-long-enough-passphrase"},
    )
    assert asked.status_code == 202
    assert me(client, tokens)["email"] == ADDRESS  # still the proven address
    assert follow(client, mail, "new@example.org").status_code == 200
    assert me(client, tokens) | {"id": None} == me(client, tokens) | {
        "id": None,
        "email": "new@example.org",
        "email_verified": True,
    }
    [notice] = [m for m in mail.to(ADDRESS) if m["Subject"] == "Your sign-in email was changed"]
    assert "new@example.org" not in notice.get_body(("plain",)).get_content()
    login(client, "new@example.org", "a-long-enough-passphrase")


def test_an_address_taken_before_the_link_is_followed_is_not_taken_over(client, session, mail):
    tokens = register(client)
    client.post(
        "/api/v1/auth/email",
        headers=bearer(tokens),
        json={"new_email": "wanted@example.org", "current_password": "a-long-enough-passphrase"},
    )
    _, token = mail.link_to("wanted@example.org")
    register(client, "wanted@example.org")
    taken = client.post("/api/v1/auth/verify-email", json={"token": token})
    assert taken.status_code == 409
    assert me(client, tokens)["email"] == ADDRESS


def test_password_reset_by_link_ends_every_session_and_tells_the_address(client, session, mail):
    tokens = register(client)
    follow(client, mail, ADDRESS)
    other = login(client, ADDRESS, "a-long-enough-passphrase")
    assert client.post("/api/v1/auth/password-reset", json={"email": ADDRESS}).status_code == 202
    path, token = mail.link_to(ADDRESS)
    assert path == "/reset-password"
    open_page(client, path)
    weak = client.post(
        "/api/v1/auth/password-reset/complete", json={"token": token, "password": "password1234"}
    )
    assert weak.status_code == 422  # the link is not spent by a refused password
    done = client.post(
        "/api/v1/auth/password-reset/complete", json={"token": token, "password": NEW_PASSWORD}
    )
    assert done.status_code == 204
    for pair in (tokens, other):
        assert client.get("/api/v1/me", headers=bearer(pair)).status_code == 401
        refreshed = client.post(
            "/api/v1/auth/refresh", json={"refresh_token": pair["refresh_token"]}
        )
        assert refreshed.status_code == 401
    assert {s.revoke_reason for s in session.scalars(select(AuthSession))} == {"password_reset"}
    old = client.post(
        "/api/v1/auth/login", json={"email": ADDRESS, "password": "a-long-enough-passphrase"}
    )
    assert old.status_code == 401
    login(client, ADDRESS, NEW_PASSWORD)
    again = client.post(
        "/api/v1/auth/password-reset/complete", json={"token": token, "password": NEW_PASSWORD}
    )
    assert again.status_code == 401
    subjects = [m["Subject"] for m in mail.to(ADDRESS)]
    assert subjects == [
        "Confirm your email address",
        "Reset your password",
        "Your password was changed",
    ]
    for message in mail.to(ADDRESS):
        assert clinical_words_in(message.get_body(("plain",)).get_content()) == []


def test_asking_for_a_reset_never_reveals_whether_the_account_exists(client, session, mail):
    register(client)
    unknown = client.post("/api/v1/auth/password-reset", json={"email": "nobody@example.org"})
    known = client.post("/api/v1/auth/password-reset", json={"email": ADDRESS})
    too_soon = client.post("/api/v1/auth/password-reset", json={"email": ADDRESS})
    assert unknown.status_code == known.status_code == too_soon.status_code == 202
    assert unknown.get_data() == known.get_data() == too_soon.get_data()
    assert mail.to("nobody@example.org") == []
    assert [m["Subject"] for m in mail.to(ADDRESS)].count("Reset your password") == 1
    bad = client.post("/api/v1/auth/password-reset", json={"email": "not an address"})
    assert bad.status_code == 422


def test_a_reset_link_expires_and_proves_an_unverified_address(client, session, mail):
    register(client)
    client.post("/api/v1/auth/password-reset", json={"email": ADDRESS})
    _, token = mail.link_to(ADDRESS)
    user = session.scalars(select(User).where(User.email == ADDRESS)).one()
    assert user.email_verified_at is None
    done = client.post(
        "/api/v1/auth/password-reset/complete", json={"token": token, "password": NEW_PASSWORD}
    )
    assert done.status_code == 204
    session.expire_all()
    assert session.get_one(User, user.id).email_verified_at is not None

    age_links(session, timedelta(hours=2))
    client.post("/api/v1/auth/password-reset", json={"email": ADDRESS})
    _, late = mail.link_to(ADDRESS)
    session.execute(
        update(EmailToken)
        .where(EmailToken.used_at.is_(None))
        .values(expires_at=utcnow() - timedelta(seconds=1))
    )
    session.commit()
    expired = client.post(
        "/api/v1/auth/password-reset/complete", json={"token": late, "password": PASSWORD}
    )
    assert expired.status_code == 401


@pytest.mark.parametrize(
    "body",
    [
        {},
        {"token": ""},
        {"token": "x" * 201},
        {"token": "a\x00b"},
        {"token": 5},
        {"token": "t", "extra": 1},
    ],
)
def test_malformed_link_tokens_are_refused_in_the_one_error_shape(client, body):
    for path in ("/api/v1/auth/verify-email", "/api/v1/auth/password-reset/complete"):
        response = client.post(
            path, json={**body, "password": NEW_PASSWORD} if "reset" in path else body
        )
        assert response.status_code in (401, 422)
        assert set(response.get_json()) >= {"code", "status", "message"}
