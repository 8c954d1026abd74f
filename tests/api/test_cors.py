"""CORS: browsers on configured origins may call the API; nothing is open unless configured."""

from __future__ import annotations

import pytest

from app.config import load_config
from tests.factories import bearer, login, make_client

APP_ORIGIN = "https://app.example.org"
PRODUCTION = {
    "APP_ENV": "production",
    "SECRET_KEY": "x" * 40,
    "FIELD_ENCRYPTION_KEYS": ["x" * 43 + "="],
}


@pytest.fixture
def cors_client(make_app):
    return make_app(CORS_ORIGINS=[APP_ORIGIN]).test_client()


def preflight(http, origin: str, method: str = "POST", headers: str = "authorization,content-type"):
    return http.options(
        "/api/v1/appointments",
        headers={
            "Origin": origin,
            "Access-Control-Request-Method": method,
            "Access-Control-Request-Headers": headers,
        },
    )


def test_a_preflight_from_a_configured_origin_is_allowed(cors_client):
    response = preflight(
        cors_client, APP_ORIGIN, headers="authorization,content-type,idempotency-key"
    )
    assert response.status_code == 200
    assert response.headers["Access-Control-Allow-Origin"] == APP_ORIGIN
    assert "POST" in response.headers["Access-Control-Allow-Methods"]
    allowed = response.headers["Access-Control-Allow-Headers"].lower()
    assert {"authorization", "content-type", "idempotency-key"} <= set(allowed.split(", "))
    assert response.headers["Access-Control-Max-Age"] == "600"
    assert "Access-Control-Allow-Credentials" not in response.headers  # bearer tokens only


def test_another_origin_gets_no_permission(cors_client):
    response = preflight(cors_client, "https://evil.example.net")
    assert "Access-Control-Allow-Origin" not in response.headers


def test_a_real_request_names_the_origin_and_exposes_the_useful_headers(
    cors_client, session, security
):
    person = make_client(session, security)
    tokens = login(cors_client, person.user.email)
    response = cors_client.get("/api/v1/me", headers={**bearer(tokens), "Origin": APP_ORIGIN})
    assert response.status_code == 200
    assert response.headers["Access-Control-Allow-Origin"] == APP_ORIGIN
    assert "Origin" in response.headers["Vary"]
    exposed = response.headers["Access-Control-Expose-Headers"]
    assert {"X-Request-ID", "Retry-After", "Location", "ETag"} <= set(exposed.split(", "))


def test_nothing_is_open_by_default_outside_development(client, monkeypatch):
    response = preflight(client, "http://localhost:3000")
    assert "Access-Control-Allow-Origin" not in response.headers  # the test app lists none
    monkeypatch.delenv("CORS_ORIGINS", raising=False)
    assert load_config(PRODUCTION)["CORS_ORIGINS"] == []
    assert "http://localhost:3000" in load_config({"APP_ENV": "development"})["CORS_ORIGINS"]
    monkeypatch.setenv("CORS_ORIGINS", " https://a.example/ , https://b.example ")
    assert load_config(PRODUCTION)["CORS_ORIGINS"] == [
        "https://a.example",
        "https://b.example",
    ]
