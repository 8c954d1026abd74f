"""The OpenAPI document is exact enough for generated clients (openapi-typescript and the like)."""

from __future__ import annotations

from typing import Any

import pytest

from app.web.openapi import openapi_path, operations
from app.web.operation_ids import OPERATION_IDS
from tests.openapi_conformance import conformance_problem

TYPED = ("type", "$ref", "allOf", "anyOf", "oneOf", "enum", "const")


@pytest.fixture
def spec(client) -> dict[str, Any]:
    return client.get("/openapi.json").get_json()


def test_every_operation_has_a_unique_named_operation_id(spec):
    ids = [operation.get("operationId") for _, _, operation in operations(spec["paths"])]
    assert None not in ids
    assert len(ids) == len(set(ids))
    assert "bookAppointment" in ids
    assert "listSlots" in ids
    assert set(ids) >= set(OPERATION_IDS.values()) - {None}


def test_every_property_of_every_schema_is_typed(spec):
    untyped = [
        f"{name}.{prop}"
        for name, schema in spec["components"]["schemas"].items()
        for prop, body in schema.get("properties", {}).items()
        if not any(key in body for key in TYPED)
    ]
    assert untyped == []


def test_wall_clock_times_carry_their_pattern(spec):
    start = spec["components"]["schemas"]["PreferredTime"]["properties"]["start"]
    assert start["type"] == "string"
    assert start["pattern"] == "^(([01][0-9]|2[0-3]):[0-5][0-9]|24:00)$"


def test_response_fields_are_required_and_nullable_ones_typed(spec):
    schemas = spec["components"]["schemas"]
    appointment = schemas["Appointment"]
    assert {"id", "starts_at", "ends_at", "status", "pending_reason"} <= set(
        appointment["required"]
    )
    assert appointment["properties"]["pending_reason"]["type"] == ["string", "null"]
    me = schemas["Me"]["properties"]["client_profile"]
    assert me == {
        "anyOf": [{"$ref": "#/components/schemas/ClientProfileResponse"}, {"type": "null"}]
    }


def test_a_schema_shared_by_requests_and_responses_gets_a_response_copy(spec):
    schemas = spec["components"]["schemas"]
    request_side = schemas["Availability"]
    response_side = schemas["AvailabilityResponse"]
    assert set(response_side["required"]) == set(response_side["properties"])
    assert request_side.get("required", []) != response_side["required"]
    availability = spec["paths"]["/api/v1/therapists/{therapist_id}/availability"]
    reply = availability["get"]["responses"]["200"]["content"]["application/json"]["schema"]
    assert reply == {"$ref": "#/components/schemas/AvailabilityResponse"}
    body = availability["put"]["requestBody"]["content"]["application/json"]["schema"]
    assert body == {"$ref": "#/components/schemas/Availability"}


def test_fixed_shapes_replace_free_form_objects(spec):
    schemas = spec["components"]["schemas"]
    intake = schemas["IntakeView"]["properties"]
    assert intake["preferences"] == {"$ref": "#/components/schemas/PreferencesResponse"}
    assert intake["payment"] == {"$ref": "#/components/schemas/IntakePaymentResponse"}
    assert schemas["GroupSession"]["properties"]["roster"] == {
        "$ref": "#/components/schemas/Roster"
    }
    assert schemas["MatchList"]["properties"]["no_match"] == {
        "anyOf": [{"$ref": "#/components/schemas/NoMatch"}, {"type": "null"}]
    }


def test_security_servers_and_rate_limits_are_declared(spec):
    assert spec["servers"] == [{"url": "http://127.0.0.1:5000"}]
    assert spec["components"]["securitySchemes"]["bearerAuth"]["scheme"] == "bearer"
    me = spec["paths"]["/api/v1/me"]["get"]
    assert me["security"] == [{"bearerAuth": []}]
    limited = [
        op
        for path, method, op in operations(spec["paths"])
        if path.startswith("/api/v1/auth/") and method == "post"
    ]
    assert limited
    assert all("429" in op["responses"] for op in limited)


def test_error_shape_documents_optional_field_errors(spec):
    error = spec["components"]["schemas"]["Error"]
    assert set(error["required"]) == {"code", "status", "message"}


def test_the_conformance_check_notices_a_missing_required_field(spec):
    rule = "/api/v1/appointments/<uuid:appointment_id>"
    assert openapi_path(rule) == "/api/v1/appointments/{appointment_id}"
    problem = conformance_problem(spec, rule, "GET", 200, "application/json", {"id": "x"})
    assert problem is not None
    assert "required property" in problem
    undocumented = conformance_problem(spec, "/api/v1/nowhere", "GET", 200, "", None)
    assert undocumented == "GET /api/v1/nowhere is not in the document"
