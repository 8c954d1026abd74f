"""Automatic logoff: a login ends after an absolute lifetime or when left unused, staff sooner."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select, update

from app.clock import utcnow
from app.identity.models import AuthSession, Role
from tests.factories import PASSWORD, make_client, make_clinic, make_user


def log_in(client, email):
    response = client.post("/api/v1/auth/login", json={"email": email, "password": PASSWORD})
    assert response.status_code == 200, response.get_json()
    return response.get_json()


def age(session, user, **ago):
    """Pretend the user's login began, or was last refreshed, some time ago."""
    values = {name: utcnow() - delta for name, delta in ago.items()}
    session.execute(update(AuthSession).where(AuthSession.user_id == user.id).values(**values))
    session.commit()


def refresh(client, tokens):
    return client.post("/api/v1/auth/refresh", json={"refresh_token": tokens["refresh_token"]})


def me(client, tokens):
    return client.get("/api/v1/me", headers={"Authorization": f"Bearer {tokens['access_token']}"})


def test_staff_left_idle_for_30_minutes_are_logged_off(client, session, security):
    admin = make_user(session, security, Role.ADMIN, clinic=make_clinic(session))
    session.commit()
    tokens = log_in(client, admin.email)
    age(session, admin, last_refreshed_at=timedelta(minutes=29))
    tokens = refresh(client, tokens).get_json()  # still within the idle limit
    age(session, admin, last_refreshed_at=timedelta(minutes=31))
    ended = refresh(client, tokens)
    assert ended.status_code == 401
    assert "logged off automatically" in ended.get_json()["message"]
    reason = session.scalar(
        select(AuthSession.revoke_reason).where(AuthSession.user_id == admin.id)
    )
    assert reason == "idle"
    assert me(client, tokens).status_code == 401  # the revoked login's access token too


def test_a_client_idle_for_an_hour_is_not_logged_off(client, session, security):
    patient = make_client(session, security)
    tokens = log_in(client, patient.user.email)
    age(session, patient.user, last_refreshed_at=timedelta(hours=1))
    assert refresh(client, tokens).status_code == 200


def test_a_login_past_its_absolute_lifetime_gets_401_even_with_a_fresh_access_token(
    client, session, security
):
    admin = make_user(session, security, Role.ADMIN, clinic=make_clinic(session))
    session.commit()
    tokens = log_in(client, admin.email)
    age(session, admin, created_at=timedelta(hours=12, minutes=1))
    assert me(client, tokens).status_code == 401
    assert refresh(client, tokens).status_code == 401
    reason = session.scalar(
        select(AuthSession.revoke_reason).where(AuthSession.user_id == admin.id)
    )
    assert reason == "expired"


def test_the_limits_are_configurable(make_app, session, security):
    app = make_app(CLIENT_LOGIN_IDLE_MINUTES=10)
    http = app.test_client()
    patient = make_client(session, security)
    tokens = log_in(http, patient.user.email)
    age(session, patient.user, last_refreshed_at=timedelta(minutes=11))
    assert refresh(http, tokens).status_code == 401
