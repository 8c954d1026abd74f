"""The last pass over the OpenAPI document, so generated clients get exact types.

flask-smorest and apispec describe each schema once, for requests and responses alike. This
pass, run once every blueprint is registered, makes the document say what responses hold:

- every response property is `required` (marshmallow dumps every field of the objects we
  return, null included) unless its field says `metadata={"x-optional": True}`; a schema that
  requests and responses share gets a `...Response` copy for the responses, without its
  write-only fields;
- an enum without a type (a nullable marshmallow Enum) gets the type of its values;
- a request field's default is said in its description (openapi-typescript, like other
  generators, would otherwise make every defaulted request field required);
- each operation gets its operationId from `OPERATION_IDS`, 429 where a rate limit applies,
  and the `tz` parameter every operation takes (`app.web.rendering`).
"""

from __future__ import annotations

import contextlib
import copy
import http
import json
import re
from collections.abc import Iterable, Iterator
from typing import Any

from apispec import APISpec
from apispec.exceptions import DuplicateComponentNameError

from app.web.operation_ids import OPERATION_IDS

METHODS = ("get", "put", "post", "patch", "delete")
REF_PREFIX = "#/components/schemas/"
OPTIONAL = "x-optional"
_RULE_ARGUMENT = re.compile(r"<(?:[^:<>]+:)?([^<>]+)>")
RENDER_ZONE = {
    "in": "query",
    "name": "tz",
    "required": False,
    "schema": {"type": "string", "maxLength": 64, "examples": ["America/New_York"]},
    "description": "Render every instant of the answer in this IANA zone (default: UTC, as Z)",
}
LOCATION = {
    "description": "Where the created resource (or the list it joined) can be read",
    "schema": {"type": "string"},
}
JSON_TYPES = {str: "string", int: "integer", bool: "boolean"}
RESPONSE_SUFFIX = "Response"


def finish_document(spec: APISpec, *, prefix: str, rate_limited: Iterable[str]) -> None:
    """Name operations, document rate limits and make response schemas exact (in place)."""
    paths: dict[str, dict[str, Any]] = spec._paths  # apispec keeps no public view of them
    schemas: dict[str, dict[str, Any]] = spec.components.schemas
    _name_operations(paths, prefix)
    _document_rate_limits(spec, paths, tuple(f"{prefix}{path}" for path in rate_limited))
    _document_render_zone(spec, paths)
    _document_locations(paths)
    _document_public_operations(paths)
    for schema in schemas.values():
        _tidy(schema)
    _require_response_fields(paths, schemas, spec.components.responses)
    _drop_unused_schemas(paths, schemas, spec.components.responses)


def openapi_path(rule: str) -> str:
    """The document's path of a Flask rule: `<uuid:appointment_id>` becomes `{appointment_id}`."""
    return _RULE_ARGUMENT.sub(r"{\1}", rule)


def operations(paths: dict[str, dict[str, Any]]) -> Iterator[tuple[str, str, dict[str, Any]]]:
    """Every (path, method, operation) of the document."""
    for path, item in paths.items():
        for method in METHODS:
            if method in item:
                yield path, method, item[method]


def _name_operations(paths: dict[str, dict[str, Any]], prefix: str) -> None:
    unnamed = []
    for path, method, operation in operations(paths):
        key = f"{method.upper()} {path.removeprefix(prefix)}"
        if key in OPERATION_IDS:
            operation.setdefault("operationId", OPERATION_IDS[key])
        elif "operationId" not in operation:
            unnamed.append(key)
    if unnamed:
        raise LookupError(f"name these operations in app/web/operation_ids.py: {unnamed}")


def _error(spec: APISpec, status: int) -> dict[str, Any]:
    """A reference to the error response of a status (registered if flask-smorest has not)."""
    name = http.HTTPStatus(status).name
    with contextlib.suppress(DuplicateComponentNameError):  # flask-smorest's own, if used
        spec.components.response(
            name,
            {
                "description": http.HTTPStatus(status).phrase,
                "content": {"application/json": {"schema": {"$ref": f"{REF_PREFIX}Error"}}},
            },
        )
    ref: dict[str, Any] = spec.components.get_ref("response", name)
    return ref


def _document_rate_limits(
    spec: APISpec, paths: dict[str, dict[str, Any]], prefixes: tuple[str, ...]
) -> None:
    for path, method, operation in operations(paths):
        if method == "post" and path.startswith(prefixes):
            operation["responses"].setdefault("429", _error(spec, 429))


def _document_public_operations(paths: dict[str, dict[str, Any]]) -> None:
    """An operation without a bearer token says so (`security: []`)."""
    for _, _, operation in operations(paths):
        operation.setdefault("security", [])


def _drop_unused_schemas(
    paths: dict[str, dict[str, Any]],
    schemas: dict[str, dict[str, Any]],
    responses: dict[str, dict[str, Any]],
) -> None:
    used = _closure(_refs([paths, responses]), schemas)
    for name in set(schemas) - used:
        del schemas[name]


def _document_render_zone(spec: APISpec, paths: dict[str, dict[str, Any]]) -> None:
    """Every operation takes `tz`, and may answer 422 for it or for a query it does not know.

    One that takes a body may also answer 400 (not JSON, or nested too deep) and 413 (too large).
    """
    for _, _, operation in operations(paths):
        for status in (400, 413, 422) if "requestBody" in operation else (422,):
            operation["responses"].setdefault(str(status), _error(spec, status))
        parameters = operation.setdefault("parameters", [])
        if not any(p.get("in") == "query" and p.get("name") == "tz" for p in parameters):
            parameters.append(dict(RENDER_ZONE))


def _document_locations(paths: dict[str, dict[str, Any]]) -> None:
    for _, _, operation in operations(paths):
        created = operation.get("responses", {}).get("201")
        if isinstance(created, dict) and "$ref" not in created:
            created.setdefault("headers", {})["Location"] = LOCATION


def _tidy(node: Any) -> None:
    """Typed enums, everywhere in a schema."""
    if isinstance(node, list):
        for item in node:
            _tidy(item)
        return
    if not isinstance(node, dict):
        return
    if "enum" in node and "type" not in node:
        kinds = {type(value) for value in node["enum"] if value is not None}
        if len(kinds) == 1 and (kind := JSON_TYPES.get(kinds.pop())):
            node["type"] = [kind, "null"] if None in node["enum"] else kind
    for value in node.values():
        _tidy(value)


def _refs(node: Any) -> Iterator[str]:
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "$ref" and isinstance(value, str) and value.startswith(REF_PREFIX):
                yield value.removeprefix(REF_PREFIX)
            else:
                yield from _refs(value)
    elif isinstance(node, list):
        for item in node:
            yield from _refs(item)


def _closure(names: Iterable[str], schemas: dict[str, dict[str, Any]]) -> set[str]:
    seen: set[str] = set()
    stack = list(names)
    while stack:
        name = stack.pop()
        if name not in seen and name in schemas:
            seen.add(name)
            stack.extend(_refs(schemas[name]))
    return seen


def _retarget(node: Any, renamed: dict[str, str]) -> None:
    if isinstance(node, dict):
        ref = node.get("$ref")
        if isinstance(ref, str) and ref.removeprefix(REF_PREFIX) in renamed:
            node["$ref"] = REF_PREFIX + renamed[ref.removeprefix(REF_PREFIX)]
        for value in node.values():
            _retarget(value, renamed)
    elif isinstance(node, list):
        for item in node:
            _retarget(item, renamed)


def _require_response_fields(
    paths: dict[str, dict[str, Any]],
    schemas: dict[str, dict[str, Any]],
    responses: dict[str, dict[str, Any]],
) -> None:
    requests: list[Any] = []
    replies: list[Any] = list(responses.values())
    for _, _, operation in operations(paths):
        requests.extend([operation.get("requestBody"), operation.get("parameters")])
        replies.extend(operation.get("responses", {}).values())
    in_requests = _closure(_refs(requests), schemas)
    in_replies = _closure(_refs(replies), schemas)
    renamed = {name: f"{name}{RESPONSE_SUFFIX}" for name in in_replies & in_requests}
    for name in in_replies:
        reply = copy.deepcopy(schemas[name]) if name in renamed else schemas[name]
        _require_properties(reply)
        _retarget(reply, renamed)
        schemas[renamed.get(name, name)] = reply
    for name in in_requests:
        for prop in schemas[name].get("properties", {}).values():
            prop.pop(OPTIONAL, None)
            _describe_default(prop)
    _retarget(replies, renamed)


def _describe_default(prop: dict[str, Any]) -> None:
    """A request field's default goes into words: generators make defaulted fields required."""
    if "default" in prop:
        default = json.dumps(prop.pop("default"))
        said = prop.get("description", "").rstrip(".")
        prop["description"] = f"{said}. Default: {default}." if said else f"Default: {default}."


def _require_properties(schema: dict[str, Any]) -> None:
    properties: dict[str, Any] = schema.get("properties", {})
    for name in [name for name, prop in properties.items() if prop.get("writeOnly")]:
        del properties[name]
    required = [name for name, prop in properties.items() if not prop.pop(OPTIONAL, False)]
    if required:
        schema["required"] = required
    else:
        schema.pop("required", None)
