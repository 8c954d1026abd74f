"""Every kind of error answers in the one shape {code, status, message[, errors]}."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from app.identity.models import User


def assert_error_shape(response, code: int) -> dict:
    assert response.status_code == code
    assert response.mimetype == "application/json"
    body = response.get_json()
    assert body["code"] == code
    assert isinstance(body["status"], str)
    assert body["status"]
    assert isinstance(body["message"], str)
    assert body["message"]
    assert set(body) <= {"code", "status", "message", "errors"}
    return body


def test_unknown_route_is_404_in_shape(client):
    assert_error_shape(client.get("/api/v1/nowhere"), 404)


def test_unknown_object_is_404_in_shape(client):
    body = assert_error_shape(
        client.get("/api/v1/therapists/00000000-0000-0000-0000-000000000000"), 404
    )
    assert "therapist" in body["message"].lower()


def test_wrong_method_is_405_with_allow_header(client):
    response = client.delete("/api/v1/vocabularies")
    assert_error_shape(response, 405)
    assert "GET" in response.headers["Allow"]


def test_malformed_json_is_400(client):
    response = client.post(
        "/api/v1/auth/login",
        data='{"email": "a@b.c", "password": ',
        content_type="application/json",
    )
    body = assert_error_shape(response, 400)
    assert "JSON" in body["message"]


def test_validation_errors_are_422_per_field(client):
    response = client.post(
        "/api/v1/auth/register",
        json={
            "email": 42,
            "password": "a-long-enough-passphrase",
            "jurisdiction": "ZZ",
            "timezone": "Mars/Olympus",
            "display_name": "R",
        },
    )
    body = assert_error_shape(response, 422)
    errors = body["errors"]["json"]
    assert "email" in errors
    assert "ISO 3166-2" in errors["jurisdiction"][0]
    assert "US-CA" in errors["jurisdiction"][0]
    assert "Mars/Olympus" in errors["timezone"][0]


def test_unknown_fields_are_rejected_not_assigned(client, session):
    before = session.scalar(select(func.count()).select_from(User))
    response = client.post(
        "/api/v1/auth/register",
        json={
            "email": "mass@example.org",
            "password": "a-long-enough-passphrase",
            "display_name": "M",
            "jurisdiction": "US-CA",
            "timezone": "America/Los_Angeles",
            "age_group": "adults",
            "role": "admin",
        },
    )
    body = assert_error_shape(response, 422)
    assert "role" in body["errors"]["json"]
    assert session.scalar(select(func.count()).select_from(User)) == before


def test_wrong_types_are_422(client):
    response = client.get("/api/v1/therapists?page=abc&accepting_new_clients=maybe")
    body = assert_error_shape(response, 422)
    assert {"page", "accepting_new_clients"} <= set(body["errors"]["query"])


def test_oversized_body_is_413(client):
    response = client.post(
        "/api/v1/auth/login",
        data=b'{"email": "' + b"a" * 300_000 + b'"}',
        content_type="application/json",
    )
    assert_error_shape(response, 413)


def test_json_array_body_is_rejected(client):
    response = client.post("/api/v1/auth/login", json=["not", "an", "object"])
    assert_error_shape(response, 422)


@pytest.mark.parametrize(
    "header", ["", "Bearer", "Bearer ", "Basic dXNlcjpwYXNz", "Bearer not.a.jwt"]
)
def test_missing_or_malformed_auth_is_401(client, header):
    response = client.get("/api/v1/me", headers={"Authorization": header} if header else {})
    assert_error_shape(response, 401)
    assert response.headers["WWW-Authenticate"] == "Bearer"


def test_unexpected_exception_is_500_without_details(make_app):
    app = make_app()

    @app.get("/boom-for-test")
    def boom():
        raise RuntimeError("secret internal detail")

    response = app.test_client().get("/boom-for-test")
    body = assert_error_shape(response, 500)
    assert "secret" not in response.get_data(as_text=True)
    assert body["message"] == "An unexpected error occurred."
