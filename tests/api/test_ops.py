"""Health, readiness, request ids, JSON logs, OpenAPI document and the self-hosted docs."""

from __future__ import annotations

import io
import json
import logging
import re

from openapi_spec_validator import validate

from app.logs import json_log_handler


def test_healthz(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.get_json() == {"status": "ok"}


def test_readyz_reports_database(client):
    assert client.get("/readyz").get_json() == {"status": "ok", "database": "ok"}


def test_readyz_is_503_when_database_is_unreachable(make_app, tmp_path):
    app = make_app(DATABASE_URL="postgresql://nobody@127.0.0.1:1/none")
    from sqlalchemy.orm import sessionmaker

    from app.web.extensions import Database

    Database.state(app).sessionmaker = sessionmaker(bind=Database.state(app).engine)
    response = app.test_client().get("/readyz")
    assert response.status_code == 503
    assert response.get_json()["database"] == "unreachable"


def test_request_id_is_generated_and_echoed(client):
    generated = client.get("/healthz").headers["X-Request-ID"]
    assert re.fullmatch(r"[0-9a-f]{32}", generated)
    assert (
        client.get("/healthz", headers={"X-Request-ID": "abc-12345"}).headers["X-Request-ID"]
        == "abc-12345"
    )
    # junk ids are replaced rather than echoed into logs
    junk = client.get("/healthz", headers={"X-Request-ID": "<script>"}).headers["X-Request-ID"]
    assert junk != "<script>"


def test_logs_are_json_with_the_request_id(client):
    stream = io.StringIO()
    handler = json_log_handler(stream)
    access = logging.getLogger("app.access")
    access.addHandler(handler)
    access.setLevel(logging.INFO)
    try:
        client.get("/healthz", headers={"X-Request-ID": "log-check-42"})
    finally:
        access.removeHandler(handler)
    record = json.loads(stream.getvalue().splitlines()[-1])
    assert record["request_id"] == "log-check-42"
    assert record["path"] == "/healthz"
    assert record["status"] == 200


BODILESS_ACTIONS = (
    "/logout",
    "/rotate-secret",
    "/test",
    "/replay",
    "/verify-email/resend",
    "/mfa/totp",
    "/confirm",
    "/arrived",
    "/complete",
    "/no-show",
    "/enroll",
    "/leave",
    "/end",
    "/join",
    "/calendar-feed",
    "/pay",
    "/payment",
    "/payment-methods",
)


def test_openapi_document_is_valid_and_complete(client):
    spec = client.get("/openapi.json").get_json()
    validate(spec)
    operations = [
        (path, method, op)
        for path, item in spec["paths"].items()
        for method, op in item.items()
        if method in {"get", "post", "put", "patch", "delete"}
    ]
    assert len(operations) >= 18
    for path, method, op in operations:
        assert op.get("summary"), f"{method} {path} has no summary"
        assert "default" in op["responses"], f"{method} {path} documents no error response"
        if method in {"post", "put", "patch"} and op.get("requestBody") is None:
            assert path.endswith(BODILESS_ACTIONS), f"{method} {path} documents no body"
    me = spec["paths"]["/api/v1/me"]["get"]
    assert me["security"] == [{"bearerAuth": []}]
    assert "401" in me["responses"]
    assert spec["components"]["securitySchemes"]["bearerAuth"]["scheme"] == "bearer"


def test_docs_page_loads_only_local_assets(client):
    page = client.get("/docs")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    sources = re.findall(r'(?:src|href)="([^"]+)"', html)
    assert sources, "the docs page references no assets"
    for source in sources:
        assert source.startswith("/"), f"external asset {source}"
        asset = client.get(source)
        assert asset.status_code == 200, source
        assert len(asset.data) > 1000
    assert "/openapi.json" in html


def test_docs_assets_do_not_serve_arbitrary_files(client):
    assert client.get("/docs/assets/../../app/config.py").status_code == 404
    assert client.get("/docs/assets/index.html").status_code == 404
