"""Registration, login, refresh rotation and reuse detection, logout, staff setup."""

from __future__ import annotations

import uuid
from datetime import timedelta

import jwt
import pytest
from sqlalchemy import select

from app.clock import utcnow
from app.identity.models import AuthSession, Role, User
from app.identity.tokens import ACCESS_TOKEN_AUDIENCE, derive_key
from tests.factories import PASSWORD, bearer, login, make_client, make_clinic, make_user

REGISTRATION = {
    "email": "  River.Stone@Example.ORG ",
    "password": "a-long-enough-passphrase",
    "display_name": "River",
    "jurisdiction": "US-CA",
    "timezone": "America/Los_Angeles",
    "age_group": "adults",
}


def register(client, **changes):
    return client.post("/api/v1/auth/register", json={**REGISTRATION, **changes})


def test_register_returns_tokens_and_normalises_email(client, security):
    response = register(client)
    assert response.status_code == 201
    body = response.get_json()
    assert body["user"]["email"] == "river.stone@example.org"
    assert body["user"]["role"] == "client"
    assert body["token_type"] == "Bearer"
    claims = jwt.decode(
        body["access_token"],
        derive_key("test-secret-key-that-is-long-enough-for-hs256", "access-token"),
        algorithms=["HS256"],
        audience=ACCESS_TOKEN_AUDIENCE,
    )
    assert claims["sub"] == body["user"]["id"]
    assert claims["role"] == "client"
    assert claims["exp"] - claims["iat"] == 15 * 60
    me = client.get("/api/v1/me", headers=bearer(body)).get_json()
    assert me["client_profile"]["display_name"] == "River"
    assert me["client_profile"]["jurisdiction"] == "US-CA"


def test_duplicate_email_in_other_case_is_409(client):
    assert register(client).status_code == 201
    response = register(client, email="RIVER.STONE@example.org")
    assert response.status_code == 409
    assert response.get_json()["status"] == "Conflict"


@pytest.mark.parametrize(
    ("password", "fragment"),
    [
        ("short1!", "at least 12"),
        ("password1234", "very common password"),
        ("aaaaaaaaaaaaaaaa", "too easy to guess"),
        ("river.stone-secret", "email"),
        ("x" * 300, "at most 256"),
    ],
)
def test_weak_passwords_are_refused(client, password, fragment):
    response = register(client, password=password)
    assert response.status_code == 422
    assert any(fragment in message for message in response.get_json()["errors"]["password"])


def test_minor_cannot_self_register(client):
    response = register(client, age_group=None, date_of_birth="2015-05-01")
    assert response.status_code == 422
    assert "date_of_birth" in response.get_json()["errors"]


def test_registration_needs_birth_date_or_age_group(client):
    response = register(client, age_group=None)
    assert response.status_code == 422
    assert "age_group" in response.get_json()["errors"]


def test_login_wrong_password_and_unknown_email_look_the_same(client, session, security):
    user = make_client(session, security).user
    wrong = client.post("/api/v1/auth/login", json={"email": user.email, "password": "nope" * 4})
    unknown = client.post("/api/v1/auth/login", json={"email": "who@example.org", "password": "x"})
    assert wrong.status_code == unknown.status_code == 401
    assert wrong.get_json()["message"] == unknown.get_json()["message"]
    assert wrong.headers["WWW-Authenticate"] == "Bearer"


def test_login_rehashes_when_parameters_change(client, session, security):
    from app.identity.passwords import Argon2Parameters, PasswordHashing

    old = PasswordHashing(Argon2Parameters(time_cost=1, memory_kib=512, parallelism=1))
    user = make_user(session, security, Role.CLIENT)
    user.password_hash = old.hash(PASSWORD)
    session.commit()
    assert security.passwords.needs_rehash(user.password_hash)
    login(client, user.email)
    session.refresh(user)
    assert not security.passwords.needs_rehash(user.password_hash)
    assert "m=1024" in user.password_hash
    login(client, user.email)  # the new hash verifies


def test_refresh_rotates_and_reuse_revokes_the_family(client, session, security):
    user = make_client(session, security).user
    first = login(client, user.email)
    second = client.post("/api/v1/auth/refresh", json={"refresh_token": first["refresh_token"]})
    assert second.status_code == 200
    second = second.get_json()
    assert second["refresh_token"] != first["refresh_token"]
    assert client.get("/api/v1/me", headers=bearer(second)).status_code == 200

    reused = client.post("/api/v1/auth/refresh", json={"refresh_token": first["refresh_token"]})
    assert reused.status_code == 401
    # the whole family is now revoked: the newest refresh and access tokens stop working
    newest = client.post("/api/v1/auth/refresh", json={"refresh_token": second["refresh_token"]})
    assert newest.status_code == 401
    assert client.get("/api/v1/me", headers=bearer(second)).status_code == 401
    revoked = session.scalars(select(AuthSession).where(AuthSession.user_id == user.id)).one()
    session.refresh(revoked)
    assert revoked.revoke_reason == "refresh_token_reused"


def test_other_sessions_survive_reuse_in_one_family(client, session, security):
    user = make_client(session, security).user
    phone, laptop = login(client, user.email), login(client, user.email)
    client.post("/api/v1/auth/refresh", json={"refresh_token": phone["refresh_token"]})
    client.post("/api/v1/auth/refresh", json={"refresh_token": phone["refresh_token"]})
    assert client.get("/api/v1/me", headers=bearer(laptop)).status_code == 200


def test_expired_refresh_token_is_refused(client, session, security):
    from app.identity.models import RefreshToken

    user = make_client(session, security).user
    tokens = login(client, user.email)
    for token in session.scalars(select(RefreshToken)):
        token.expires_at = utcnow() - timedelta(seconds=1)
    session.commit()
    response = client.post("/api/v1/auth/refresh", json={"refresh_token": tokens["refresh_token"]})
    assert response.status_code == 401


def test_unknown_refresh_token_is_401(client):
    response = client.post("/api/v1/auth/refresh", json={"refresh_token": "made-up"})
    assert response.status_code == 401


def test_logout_revokes_access_and_refresh(client, session, security):
    user = make_client(session, security).user
    tokens = login(client, user.email)
    assert client.post("/api/v1/auth/logout", headers=bearer(tokens)).status_code == 204
    assert client.get("/api/v1/me", headers=bearer(tokens)).status_code == 401
    refreshed = client.post("/api/v1/auth/refresh", json={"refresh_token": tokens["refresh_token"]})
    assert refreshed.status_code == 401


def test_password_change_ends_other_sessions(client, session, security):
    user = make_client(session, security).user
    current, other = login(client, user.email), login(client, user.email)
    response = client.post(
        "/api/v1/auth/password",
        headers=bearer(current),
        json={"current_password": PASSWORD, "new_password": "an-entirely-new-passphrase"},
    )
    assert response.status_code == 204
    assert client.get("/api/v1/me", headers=bearer(current)).status_code == 200
    assert client.get("/api/v1/me", headers=bearer(other)).status_code == 401
    login(client, user.email, "an-entirely-new-passphrase")


def test_staff_setup_token_is_single_use(client, session, security):
    clinic = make_clinic(session)
    admin = make_user(session, security, Role.ADMIN, clinic=clinic)
    session.commit()
    admin_tokens = login(client, admin.email)
    created = client.post(
        f"/api/v1/clinics/{clinic.id}/admins",
        headers=bearer(admin_tokens),
        json={"email": "second.admin@example.org"},
    )
    assert created.status_code == 201
    token = created.get_json()["setup_token"]
    # no password yet: cannot log in
    no_login = client.post(
        "/api/v1/auth/login", json={"email": "second.admin@example.org", "password": "anything"}
    )
    assert no_login.status_code == 401
    setup = client.post(
        "/api/v1/auth/setup", json={"setup_token": token, "password": "the-admins-own-passphrase"}
    )
    assert setup.status_code == 200
    assert setup.get_json()["user"]["role"] == "admin"
    again = client.post(
        "/api/v1/auth/setup", json={"setup_token": token, "password": "another-passphrase-123"}
    )
    assert again.status_code == 401
    login(client, "second.admin@example.org", "the-admins-own-passphrase")


def test_expired_setup_token_is_refused(client, session, security):
    from app.identity.accounts import issue_setup_token

    clinic = make_clinic(session)
    user = User(email="late@example.org", role=Role.THERAPIST, clinic_id=clinic.id)
    session.add(user)
    token, _ = issue_setup_token(security, user)
    user.setup_token_expires_at = utcnow() - timedelta(minutes=1)
    session.commit()
    response = client.post(
        "/api/v1/auth/setup", json={"setup_token": token, "password": "a-long-enough-passphrase"}
    )
    assert response.status_code == 401


def test_deleting_own_account_scrubs_and_frees_email(client, session):
    tokens = register(client).get_json()
    assert client.delete("/api/v1/me", headers=bearer(tokens)).status_code == 204
    assert client.get("/api/v1/me", headers=bearer(tokens)).status_code == 401
    assert register(client).status_code == 201
    gone = session.get(User, uuid.UUID(tokens["user"]["id"]))
    assert gone.deleted_at is not None
    assert "river" not in gone.email
