"""Property-based run of every operation of the OpenAPI document (schemathesis), bounded in time.

Every generated request is sent without a token and with a client's, a therapist's and an
admin's; where the path names a clinic, therapist, appointment or intake, it is sent once more
with the ids of real ones, so the operation gets past its 404. Checks: no 5xx, and every
response matches its documented schema. Examples per operation: SCHEMATHESIS_MAX_EXAMPLES.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis.errors import Unsatisfiable
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import response_schema_conformance

from app.identity.models import Role
from tests.factories import login, make_client, make_clinic, make_therapist, make_user
from tests.scheduling_factories import future_hour, iso, make_session_type, open_hours

MAX_EXAMPLES = int(os.environ.get("SCHEMATHESIS_MAX_EXAMPLES", "8"))
CHECKS = [not_a_server_error, response_schema_conformance]
STATUSES: dict[int, int] = {}
pytestmark = pytest.mark.schemathesis
# Operations (besides DELETE) that end the caller's login: the next example needs fresh users.
ENDS_LOGINS = frozenset({"/api/v1/auth/logout", "/api/v1/auth/password"})


class World:
    """Users of each role and real objects; rebuilt after an operation that ends a login."""

    def __init__(self, client: Any, session: Any, security: Any) -> None:
        self._client, self._session, self._security = client, session, security
        self._built: dict[str, Any] | None = None

    def get(self) -> dict[str, Any]:
        if self._built is None:
            self._built = self._build()
        return self._built

    def spent(self) -> None:
        self._built = None

    def _build(self) -> dict[str, Any]:
        session, security, client = self._session, self._security, self._client
        clinic = make_clinic(session)
        # A blank bio on purpose: a directory with no usable bio word must still match.
        therapist = make_therapist(session, security, clinic, bio="")
        open_hours(session, therapist)
        session_type = make_session_type(session, therapist, horizon_days=60)
        admin = make_user(session, security, Role.ADMIN, clinic=clinic)
        patient = make_client(session, security)
        session.commit()
        headers = {
            "client": _bearer(client, patient.user.email),
            "therapist": _bearer(client, therapist.user.email),
            "admin": _bearer(client, admin.email),
        }
        booking = {
            "therapist_id": str(therapist.id),
            "session_type_id": str(session_type.id),
            "start": iso(future_hour(days=2)),
        }
        booked = client.post("/api/v1/appointments", headers=headers["client"], json=booking)
        ids = {"clinic_id": str(clinic.id), "therapist_id": str(therapist.id)}
        if booked.status_code == 201:
            ids["appointment_id"] = booked.get_json()["id"]
        return {"headers": headers, "ids": ids}


def _bearer(client: Any, email: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {login(client, email)['access_token']}"}


@pytest.fixture
def world(client, session, security) -> World:
    return World(client, session, security)


def _calls(case: Any, world: World) -> list[tuple[str, dict[str, str], Callable[[], None]]]:
    built = world.get()
    generated = dict(case.path_parameters or {})
    real = {**generated, **{k: v for k, v in built["ids"].items() if k in generated}}

    def use(ids: dict[str, Any]) -> Callable[[], None]:
        def apply() -> None:
            case.path_parameters = dict(ids)

        return apply

    calls = [("anonymous", {}, use(generated))]
    for role, headers in built["headers"].items():
        calls.append((role, headers, use(generated)))
        if real != generated:
            calls.append((role, headers, use(real)))
    return calls


def _run_operation(operation: Any, world: World, mode: GenerationMode) -> None:
    @given(case=operation.as_strategy(generation_mode=mode))
    @settings(
        max_examples=MAX_EXAMPLES,
        deadline=None,
        derandomize=True,
        database=None,
        phases=[Phase.explicit, Phase.generate, Phase.shrink],
        suppress_health_check=list(HealthCheck),
    )
    def run(case: Any) -> None:
        for role, headers, apply in _calls(case, world):
            apply()
            try:
                response = case.call_and_validate(headers=headers, checks=CHECKS)
                STATUSES[response.status_code] = STATUSES.get(response.status_code, 0) + 1
            except Exception as error:
                error.add_note(f"as {role} with path parameters {case.path_parameters}")
                raise
        if case.method.upper() == "DELETE" or case.operation.path in ENDS_LOGINS:
            world.spent()

    run()


@pytest.mark.parametrize("mode", [GenerationMode.POSITIVE, GenerationMode.NEGATIVE])
def test_every_operation_as_every_role(app, world, mode):
    api = schemathesis.openapi.from_wsgi("/openapi.json", app)
    operations = [result.ok() for result in api.get_all_operations()]
    assert len(operations) > 50
    failures = []
    for operation in operations:
        try:
            _run_operation(operation, world, mode)
        except Unsatisfiable:
            continue  # nothing of this operation can be made invalid (no parameters, no body)
        except Exception as error:  # collected, reported together
            notes = "\n".join(getattr(error, "__notes__", []))
            failures.append(f"{operation.label}: {error}\n{notes}")
    print(sorted(STATUSES.items()))
    assert not failures, "\n\n".join(failures)
