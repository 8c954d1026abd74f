"""Two-factor authentication through the API; codes computed in the test (RFC 4226/6238)."""

from __future__ import annotations

import time
from datetime import timedelta
from urllib.parse import parse_qs, urlsplit

import pytest
from sqlalchemy import select, update

from app.clock import utcnow
from app.identity.models import AuthSession, LoginThrottle, Role
from app.privacy import clinical_words_in
from tests.factories import (
    PASSWORD,
    bearer,
    make_client,
    make_clinic,
    make_user,
)
from tests.unit.test_totp import hotp


def code(secret: str, offset_steps: int = 0) -> str:
    return hotp(secret, int(time.time()) // 30 + offset_steps)


def password_login(client, email: str) -> dict:
    response = client.post("/api/v1/auth/login", json={"email": email, "password": PASSWORD})
    assert response.status_code == 200, response.get_json()
    return response.get_json()


def enrol(client, tokens) -> tuple[str, list[str]]:
    started = client.post("/api/v1/auth/mfa/totp", headers=bearer(tokens))
    assert started.status_code == 201
    secret = started.get_json()["secret"]
    confirmed = client.post(
        "/api/v1/auth/mfa/totp/confirm", headers=bearer(tokens), json={"code": code(secret)}
    )
    assert confirmed.status_code == 200, confirmed.get_json()
    return secret, confirmed.get_json()["recovery_codes"]


def answer(client, challenge: dict, given: str):
    return client.post(
        "/api/v1/auth/mfa/verify", json={"mfa_token": challenge["mfa_token"], "code": given}
    )


@pytest.fixture
def person(client, session, security):
    """A client who turned two-factor authentication on; yields (email, secret, codes)."""
    email = make_client(session, security).user.email
    secret, codes = enrol(client, password_login(client, email))
    return email, secret, codes


def test_enrolment_shows_a_neutral_otpauth_uri_and_confirming_needs_the_right_code(
    client, session, security
):
    email = make_client(session, security).user.email
    tokens = password_login(client, email)
    assert tokens["mfa_required"] is False
    assert tokens["mfa_token"] is None
    started = client.post("/api/v1/auth/mfa/totp", headers=bearer(tokens)).get_json()
    uri = urlsplit(started["otpauth_uri"])
    assert (uri.scheme, uri.netloc) == ("otpauth", "totp")
    assert parse_qs(uri.query)["secret"] == [started["secret"]]
    assert parse_qs(uri.query)["issuer"] == ["Appointments"]
    assert clinical_words_in(started["otpauth_uri"]) == []
    wrong = client.post(
        "/api/v1/auth/mfa/totp/confirm",
        headers=bearer(tokens),
        json={"code": code(started["secret"], 3)},
    )
    assert wrong.status_code == 422
    confirmed = client.post(
        "/api/v1/auth/mfa/totp/confirm",
        headers=bearer(tokens),
        json={"code": code(started["secret"])},
    )
    assert len(set(confirmed.get_json()["recovery_codes"])) == 10
    assert client.get("/api/v1/me", headers=bearer(tokens)).get_json()["user"]["mfa_enabled"]
    again = client.post("/api/v1/auth/mfa/totp", headers=bearer(tokens))
    assert again.status_code == 409


def test_login_then_code_and_a_used_code_is_refused(client, person):
    email, secret, _ = person
    challenge = password_login(client, email)
    assert challenge["mfa_required"] is True
    assert challenge["access_token"] is challenge["refresh_token"] is challenge["user"] is None
    # The enrolment spent the current step: its code, replayed, is refused.
    assert answer(client, challenge, code(secret)).status_code == 401
    tokens = answer(client, challenge, code(secret, 1))
    assert tokens.status_code == 200
    assert client.get("/api/v1/me", headers=bearer(tokens.get_json())).status_code == 200
    second = password_login(client, email)
    assert answer(client, second, code(secret, 1)).status_code == 401  # replay of that code
    spent = answer(client, challenge, code(secret, 1))
    assert spent.status_code == 401  # the first challenge is finished


def test_a_recovery_code_works_once(client, person):
    email, _, codes = person
    assert answer(client, password_login(client, email), codes[0].upper()).status_code == 200
    assert answer(client, password_login(client, email), codes[0]).status_code == 401
    assert answer(client, password_login(client, email), codes[1]).status_code == 200


def wait_out_throttle(session) -> None:
    """As if the imposed wait had passed (the progression itself is tested on its own)."""
    session.execute(update(LoginThrottle).values(blocked_until=utcnow() - timedelta(seconds=1)))
    session.commit()


def test_five_wrong_codes_end_the_challenge(client, session, person):
    email, _, codes = person
    challenge = password_login(client, email)
    for attempt in range(5):
        assert answer(client, challenge, "000000").status_code == 401
        if attempt == 3:  # after the fourth failure the account waits a second
            assert answer(client, challenge, "000000").status_code == 429
        wait_out_throttle(session)
    assert answer(client, challenge, codes[0]).status_code == 401
    assert answer(client, password_login(client, email), codes[0]).status_code == 200


def test_turning_off_and_new_codes_need_the_password_and_a_code(client, session, person):
    email, _, codes = person
    tokens = answer(client, password_login(client, email), codes[0]).get_json()
    other = answer(client, password_login(client, email), codes[1]).get_json()
    no_password = client.post(
        "/api/v1/auth/mfa/recovery-codes",
        headers=bearer(tokens),
        json={"password": "not-the-password-at-all", "code": codes[2]},
    )
    assert no_password.status_code == 401
    renewed = client.post(
        "/api/v1/auth/mfa/recovery-codes",
        headers=bearer(tokens),
        json={"password": PASSWORD, "code": codes[2]},
    )
    assert renewed.status_code == 200
    fresh = renewed.get_json()["recovery_codes"]
    assert not set(fresh) & set(codes)
    assert answer(client, password_login(client, email), codes[3]).status_code == 401
    wrong_code = client.post(
        "/api/v1/auth/mfa/disable",
        headers=bearer(tokens),
        json={"password": PASSWORD, "code": "1" * 6},
    )
    assert wrong_code.status_code == 401
    off = client.post(
        "/api/v1/auth/mfa/disable",
        headers=bearer(tokens),
        json={"password": PASSWORD, "code": fresh[0]},
    )
    assert off.status_code == 204
    assert client.get("/api/v1/me", headers=bearer(other)).status_code == 401  # other logins end
    assert password_login(client, email)["mfa_required"] is False


def test_staff_without_a_second_factor_may_reach_only_what_gets_them_there(
    client, session, security
):
    therapist = make_user(session, security, Role.THERAPIST, clinic=make_clinic(session))
    tokens = password_login(client, therapist.email)
    assert tokens["mfa_required"] is False
    refused = client.get("/api/v1/appointments", headers=bearer(tokens))
    assert refused.status_code == 403
    assert refused.get_json()["errors"] == {"mfa": ["required"]}
    assert client.get(f"/api/v1/intakes/{therapist.id}", headers=bearer(tokens)).status_code == 403
    assert client.get("/api/v1/me", headers=bearer(tokens)).status_code == 200
    enrol(client, tokens)  # confirming upgrades this very login
    assert client.get("/api/v1/appointments", headers=bearer(tokens)).status_code == 200
    recorded = session.scalars(select(AuthSession.mfa_verified_at)).all()
    assert [at is not None for at in recorded] == [True]


def test_a_refreshed_login_keeps_its_second_factor(client, session, security):
    therapist = make_user(session, security, Role.THERAPIST, clinic=make_clinic(session))
    secret, _ = enrol(client, password_login(client, therapist.email))
    tokens = answer(client, password_login(client, therapist.email), code(secret, 1)).get_json()
    refreshed = client.post(
        "/api/v1/auth/refresh", json={"refresh_token": tokens["refresh_token"]}
    ).get_json()
    assert client.get("/api/v1/appointments", headers=bearer(refreshed)).status_code == 200


def test_staff_mfa_can_be_turned_off_by_configuration(make_app, session, security):
    app = make_app(STAFF_MFA_REQUIRED=False)
    client = app.test_client()
    therapist = make_user(session, security, Role.THERAPIST, clinic=make_clinic(session))
    tokens = password_login(client, therapist.email)
    assert client.get("/api/v1/appointments", headers=bearer(tokens)).status_code == 200


@pytest.mark.parametrize(
    "body",
    [
        {},
        {"mfa_token": "x"},
        {"mfa_token": "x", "code": "12"},
        {"mfa_token": "x" * 201, "code": "123456"},
        {"mfa_token": "x", "code": "1234\x0056"},
        {"mfa_token": "x", "code": 123456},
    ],
)
def test_malformed_challenge_answers_get_the_one_error_shape(client, body):
    response = client.post("/api/v1/auth/mfa/verify", json=body)
    assert response.status_code in (401, 422)
    assert {"code", "status", "message"} <= set(response.get_json())
