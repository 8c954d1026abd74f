"""Input no schema expects (deep JSON, unstorable strings, no body) is a 4xx on every endpoint."""

from __future__ import annotations

import re
import uuid

import pytest

from app.identity.models import Role
from tests.api.test_errors import assert_error_shape
from tests.factories import auth_headers, make_client, make_clinic, make_therapist, make_user

_PARAM = re.compile(r"<(?:[a-z]+:)?([a-z_]+)>")
DEEP = "[" * 5000 + "]" * 5000


@pytest.fixture
def role_headers(client, session, security):
    """No token, and a token of each role."""
    clinic = make_clinic(session)
    therapist = make_therapist(session, security, clinic)
    admin = make_user(session, security, Role.ADMIN, clinic=clinic)
    profile = make_client(session, security)
    session.commit()
    return {
        "anonymous": {},
        "client": auth_headers(client, profile.user),
        "therapist": auth_headers(client, therapist.user),
        "admin": auth_headers(client, admin),
    }


def json_operations(app) -> list[tuple[str, str]]:
    """(method, path) of every operation that reads a JSON body, with random ids."""
    operations = []
    for rule in app.url_map.iter_rules():
        if not rule.rule.startswith("/api/v1/") or rule.rule.endswith("/upload"):
            continue
        path = _PARAM.sub(lambda _m: str(uuid.uuid4()), rule.rule)
        operations.extend((m, path) for m in sorted(rule.methods & {"POST", "PATCH", "PUT"}))
    return operations


def test_deeply_nested_json_is_400_on_every_json_endpoint(app, client, role_headers):
    operations = json_operations(app)
    assert ("POST", "/api/v1/auth/login") in operations
    for method, path in operations:
        for role, headers in role_headers.items():
            response = client.open(
                path, method=method, data=DEEP, content_type="application/json", headers=headers
            )
            assert response.status_code < 500, (method, path, role, response.get_json())
    response = client.post("/api/v1/auth/login", data=DEEP, content_type="application/json")
    body = assert_error_shape(response, 400)
    assert "JSON" in body["message"]


def test_moderately_nested_json_is_400_too(client):
    nested = '{"email": "a@b.c", "password": "x", "x": ' + "[" * 100 + "]" * 100 + "}"
    response = client.post("/api/v1/auth/login", data=nested, content_type="application/json")
    assert_error_shape(response, 400)


@pytest.mark.parametrize("bad", ["a\ud800b", "nul\x00byte"])
def test_unstorable_login_password_is_422_on_the_field(client, bad):
    response = client.post(
        "/api/v1/auth/login",
        data=f'{{"email": "a@example.org", "password": "{_escape(bad)}"}}',
        content_type="application/json",
    )
    body = assert_error_shape(response, 422)
    assert list(body["errors"]["json"]) == ["password"]


@pytest.mark.parametrize("bad", ["Riv\ud800er", "Riv\x00er"])
def test_unstorable_strings_are_422_in_nested_fields_and_keys(client, bad):
    escaped = _escape(bad)
    document = (
        '{"email": "river@example.org", "password": "a-long-enough-passphrase", '
        f'"display_name": "{escaped}", "jurisdiction": "US-CA", '
        f'"timezone": "America/Los_Angeles", "tags": [1, {{"{escaped}": 1}}]}}'
    )
    response = client.post("/api/v1/auth/register", data=document, content_type="application/json")
    body = assert_error_shape(response, 422)
    errors = body["errors"]["json"]
    assert "display_name" in errors
    assert errors["tags"]["1"]


def test_unstorable_strings_are_4xx_on_every_json_endpoint(app, client, role_headers):
    document = '{"name": "a\\u0000b", "display_name": "a\\ud800b", "url": "\\udfff"}'
    for method, path in json_operations(app):
        for role, headers in role_headers.items():
            response = client.open(
                path,
                method=method,
                data=document,
                content_type="application/json",
                headers=headers,
            )
            assert response.status_code < 500, (method, path, role, response.get_json())


def test_nul_in_a_query_value_is_422(client):
    response = client.get("/api/v1/therapists?specialty=anx%00iety")
    body = assert_error_shape(response, 422)
    assert "specialty" in body["errors"]["query"]


def test_patch_and_put_without_a_body_are_422(app, client, role_headers):
    admin = role_headers["admin"]
    response = client.get("/api/v1/me", headers=admin)
    clinic_id = response.get_json()["user"]["clinic_id"]
    for path, role in ((f"/api/v1/clinics/{clinic_id}", "admin"), ("/api/v1/me", "client")):
        response = client.patch(path, headers=role_headers[role])
        body = assert_error_shape(response, 422)
        assert "JSON body is required" in str(body["errors"])
    for method, path in json_operations(app):
        if method not in {"PATCH", "PUT"}:
            continue
        response = client.open(path, method=method, headers=admin)
        assert response.status_code in {401, 403, 404, 422}, (method, path)
        if response.status_code == 422:
            assert "JSON body is required" in str(response.get_json()["errors"])


def _escape(text: str) -> str:
    return "".join(c if 32 <= ord(c) < 127 else f"\\u{ord(c):04x}" for c in text)
