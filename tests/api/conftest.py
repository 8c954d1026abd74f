"""Suite-wide checks of every API call a test makes.

Health-information access leaves an audit row; every answer matches what the OpenAPI document
says of its operation and status (so `required`, types and formats are true of real answers).
"""

from __future__ import annotations

from collections.abc import Iterator
from urllib.parse import urlsplit

import pytest
from flask import Flask, Response, request_finished
from flask import request as current_request
from sqlalchemy import func, select
from werkzeug.exceptions import MethodNotAllowed, NotFound

from app.audit import AuditEvent
from app.logs import current_request_id
from tests.openapi_conformance import conformance_problem, document_of
from tests.phi_endpoints import HEALTH_INFORMATION, OTHER, PUBLIC_DIRECTORY

CLASSIFIED = HEALTH_INFORMATION | PUBLIC_DIRECTORY | OTHER


@pytest.fixture(autouse=True)
def audit_accounting(request: pytest.FixtureRequest) -> Iterator[None]:
    """After each test using the shared app: health reads audited, directory reads not."""
    if "app" not in request.fixturenames and "client" not in request.fixturenames:
        yield
        return
    app = request.getfixturevalue("app")
    session = request.getfixturevalue("session")
    calls: list[tuple[str, str | None, int]] = []

    def remember(sender: object, response: Response, **extra: object) -> None:
        endpoint = current_request.endpoint
        if (
            endpoint
            and current_request.path.startswith("/api/")
            and (
                current_request.method != "OPTIONS"  # a CORS preflight reads nothing
            )
        ):
            calls.append((endpoint, current_request_id(), response.status_code))

    with request_finished.connected_to(remember, app):
        yield
    unclassified = sorted({endpoint for endpoint, _, _ in calls} - CLASSIFIED)
    assert not unclassified, f"classify these endpoints in tests/phi_endpoints.py: {unclassified}"
    for endpoint, request_id, status in calls:
        if request_id is None or status >= 300:
            continue
        rows = session.scalar(select(func.count()).where(AuditEvent.request_id == request_id))
        if endpoint in HEALTH_INFORMATION:
            assert rows, f"{endpoint} answered {status} without an audit row"
        elif endpoint in PUBLIC_DIRECTORY:
            assert rows == 0, f"{endpoint} is a public read but wrote {rows} audit rows"


@pytest.fixture(autouse=True)
def documented_answers(request: pytest.FixtureRequest) -> Iterator[None]:
    """After each test building or using an app: every API answer it got matches the document."""
    if not {"app", "client", "make_app"} & set(request.fixturenames):
        yield
        return
    problems: list[str] = []

    def check(sender: Flask, response: Response, **extra: object) -> None:
        rule = current_request.url_rule
        if rule is None or not current_request.path.startswith("/api/"):
            return
        if current_request.method == "OPTIONS":
            return
        body = None
        if (
            response.mimetype == "application/json"
            and not response.is_streamed
            and response.get_data()
        ):
            body = response.get_json(silent=True)
        problem = conformance_problem(
            document_of(sender),
            rule.rule,
            current_request.method,
            response.status_code,
            response.mimetype or "",
            body,
        )
        if problem:
            problems.append(problem)
        if response.status_code == 201:
            problems.extend(_location_problems(sender, current_request.method, rule.rule, response))

    with request_finished.connected_to(check):  # every app the test builds
        yield
    assert not problems, "answers the OpenAPI document does not describe:\n" + "\n".join(
        sorted(set(problems))
    )


def _location_problems(app: Flask, method: str, rule: str, response: Response) -> list[str]:
    """A 201 names where its resource lives, and that path is one of the app's."""
    location = response.headers.get("Location")
    if not location:
        return [f"{method} {rule} answered 201 without Location"]
    path = urlsplit(location).path
    try:
        app.url_map.bind("localhost").match(path, method="GET")
    except MethodNotAllowed:
        pass  # the path exists (a PATCH- or DELETE-only resource)
    except NotFound:
        return [f"{method} {rule}: Location {location} is no path of the app"]
    return []
