"""Checks a real response against what the OpenAPI document says of its operation and status."""

from __future__ import annotations

from typing import Any

from flask import Flask
from jsonschema.exceptions import ValidationError
from openapi_schema_validator import OAS31Validator

from app.web.openapi import openapi_path


def conformance_problem(
    document: dict[str, Any], rule: str, method: str, status: int, mimetype: str, body: Any
) -> str | None:
    """Why the response does not match the document, or None when it does."""
    operation = document["paths"].get(openapi_path(rule), {}).get(method.lower())
    if operation is None:
        return f"{method} {rule} is not in the document"
    responses = operation["responses"]
    response = responses.get(str(status)) or (responses.get("default") if status >= 500 else None)
    if response is None:  # only an unexpected failure may fall back on `default`
        return f"{method} {rule} answered {status}, which is not documented"
    if "$ref" in response:
        response = document["components"]["responses"][response["$ref"].rsplit("/", 1)[-1]]
    content = response.get("content", {})
    if body is None and status in (202, 204, 304):
        return None  # nothing was sent
    if mimetype != "application/json":
        if status != 304 and content and mimetype not in content:
            return f"{method} {rule} {status}: {mimetype} is not documented"
        return None
    if "application/json" not in content:
        return f"{method} {rule} {status}: JSON is not documented"
    schema = {**content["application/json"]["schema"], "components": document["components"]}
    try:
        OAS31Validator(schema).validate(body)
    except ValidationError as error:
        where = "/".join(str(part) for part in error.absolute_path)
        return f"{method} {rule} {status} at {where or 'the top'}: {error.message}"
    return None


def document_of(app: Flask) -> dict[str, Any]:
    """The app's OpenAPI document as clients get it."""
    cached: dict[str, Any] | None = app.extensions.get("tests.openapi")
    if cached is None:
        cached = app.extensions["tests.openapi"] = app.test_client().get("/openapi.json").json
    return cached
