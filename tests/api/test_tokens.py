"""Every bad access token is refused with 401."""

from __future__ import annotations

import base64
import json
import uuid
from datetime import timedelta

import jwt
import pytest

from app.clock import utcnow
from app.identity.tokens import ACCESS_TOKEN_AUDIENCE, derive_key
from tests.factories import bearer, login, make_client

SECRET = "test-secret-key-that-is-long-enough-for-hs256"


@pytest.fixture
def tokens(client, session, security):
    return login(client, make_client(session, security).user.email)


def claims_of(token: str) -> dict:
    return jwt.decode(
        token,
        derive_key(SECRET, "access-token"),
        algorithms=["HS256"],
        audience=ACCESS_TOKEN_AUDIENCE,
    )


def sign(claims: dict, key: bytes | str | None = None) -> str:
    return jwt.encode(claims, key or derive_key(SECRET, "access-token"), algorithm="HS256")


def assert_refused(client, token: str) -> None:
    response = client.get("/api/v1/me", headers=bearer(token))
    assert response.status_code == 401, response.get_json()
    assert response.get_json()["code"] == 401


def test_valid_token_is_accepted(client, tokens):
    assert client.get("/api/v1/me", headers=bearer(tokens)).status_code == 200


def test_expired_token(client, tokens):
    claims = claims_of(tokens["access_token"])
    past = utcnow() - timedelta(hours=1)
    claims.update(iat=past, nbf=past, exp=past + timedelta(minutes=15))
    response = client.get("/api/v1/me", headers=bearer(sign(claims)))
    assert response.status_code == 401
    assert "expired" in response.get_json()["message"]


def test_tampered_payload(client, tokens):
    header, payload, signature = tokens["access_token"].split(".")
    claims = json.loads(base64.urlsafe_b64decode(payload + "=="))
    claims["role"] = "admin"
    forged = base64.urlsafe_b64encode(json.dumps(claims).encode()).rstrip(b"=").decode()
    assert_refused(client, f"{header}.{forged}.{signature}")


def test_alg_none(client, tokens):
    claims = claims_of(tokens["access_token"])
    unsigned = jwt.encode(claims, key=None, algorithm="none")
    assert_refused(client, unsigned)


def test_signed_with_another_key(client, tokens):
    assert_refused(client, sign(claims_of(tokens["access_token"]), key="another-secret-" * 4))


def test_signed_with_the_raw_secret_instead_of_the_derived_key(client, tokens):
    assert_refused(client, sign(claims_of(tokens["access_token"]), key=SECRET))


@pytest.mark.parametrize("claim", ["aud", "iss", "sid", "sub", "exp"])
def test_missing_or_wrong_claims(client, tokens, claim):
    claims = claims_of(tokens["access_token"])
    del claims[claim]
    assert_refused(client, sign(claims))


def test_unknown_session_id(client, tokens):
    claims = claims_of(tokens["access_token"])
    claims["sid"] = "00000000-0000-0000-0000-000000000000"
    assert_refused(client, sign(claims))


def test_refresh_token_is_not_an_access_token(client, tokens):
    assert_refused(client, tokens["refresh_token"])


def test_token_of_deleted_user(client, tokens, session):
    from app.identity.models import User

    user = session.get(User, uuid.UUID(tokens["user"]["id"]))
    user.deleted_at = utcnow()
    session.commit()
    assert_refused(client, tokens["access_token"])
