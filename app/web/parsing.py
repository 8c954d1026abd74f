"""The request parser of every ResourceBlueprint: input no schema can break reaches no schema.

Applies to every argument of every operation, whatever its schema:

- JSON nested deeper than MAX_JSON_DEPTH (or too deep for the parser) is a 400, like any
  malformed JSON, instead of a RecursionError;
- a string (value or key) with a lone surrogate or a NUL character, in a JSON body or the query
  string, is a 422 naming the field: neither can be encoded or stored (UTF-8, PostgreSQL text);
- a PATCH or PUT without a JSON body is a 422 ("a JSON body is required"), never an empty
  update.
"""

from __future__ import annotations

import re
from typing import Any, NoReturn

import flask
import marshmallow as ma
from webargs import core
from webargs.flaskparser import FlaskParser, abort

MAX_JSON_DEPTH = 32
BODY_REQUIRED_METHODS = frozenset({"PATCH", "PUT"})
_UNSTORABLE = re.compile("[\x00\ud800-\udfff]")
UNSTORABLE_MESSAGE = "Must not contain NUL characters or unpaired surrogates."
BODY_REQUIRED_MESSAGE = "A JSON body is required."


class _TooDeep(Exception):
    pass


def unstorable_strings(data: Any, *, max_depth: int = MAX_JSON_DEPTH) -> dict[str, Any]:
    """Marshmallow-style errors for every string (or key) holding NUL or a lone surrogate.

    Raises _TooDeep when containers nest deeper than max_depth. Iterative, so no recursion.
    """
    errors: dict[str, Any] = {}
    stack: list[tuple[Any, tuple[str, ...]]] = [(data, ())]
    while stack:
        value, path = stack.pop()
        if len(path) > max_depth:
            raise _TooDeep
        if isinstance(value, str):
            if _UNSTORABLE.search(value):
                _set_error(errors, path)
        elif isinstance(value, dict):
            for key, item in value.items():
                if _UNSTORABLE.search(key):
                    _set_error(errors, (*path, printable(key)))
                else:
                    stack.append((item, (*path, key)))
        elif isinstance(value, list):
            stack.extend((item, (*path, str(index))) for index, item in enumerate(value))
    return errors


def printable(text: str) -> str:
    """The text with NUL and lone surrogates replaced, safe to echo in an error."""
    return _UNSTORABLE.sub("\ufffd", text)


def _set_error(errors: dict[str, Any], path: tuple[str, ...]) -> None:
    if not path:
        errors["_schema"] = [UNSTORABLE_MESSAGE]
        return
    node = errors
    for part in path[:-1]:
        child = node.get(part)
        if not isinstance(child, dict):
            child = node[part] = {}
        node = child
    node[path[-1]] = [UNSTORABLE_MESSAGE]


def _invalid_json() -> NoReturn:
    abort(400, messages={"json": ["Invalid JSON body."]})


class RequestParser(FlaskParser):
    """webargs' Flask parser with the checks above."""

    def load_json(self, req: flask.Request, schema: ma.Schema) -> Any:
        """The JSON body, checked; `missing` (or 422 for PATCH/PUT) when there is none."""
        data = super().load_json(req, schema)
        if data is core.missing:
            if req.method in BODY_REQUIRED_METHODS:
                raise ma.ValidationError({"_schema": [BODY_REQUIRED_MESSAGE]})
            return data
        try:
            errors = unstorable_strings(data)
        except _TooDeep:
            _invalid_json()
        if errors:
            raise ma.ValidationError(errors)
        return data

    def _raw_load_json(self, req: flask.Request) -> Any:
        try:
            return super()._raw_load_json(req)
        except RecursionError:
            _invalid_json()

    def load_querystring(self, req: flask.Request, schema: ma.Schema) -> Any:
        """The query arguments, refusing values that hold NUL or a lone surrogate."""
        errors = {
            printable(key): [UNSTORABLE_MESSAGE]
            for key, values in req.args.lists()
            if _UNSTORABLE.search(key) or any(_UNSTORABLE.search(v) for v in values)
        }
        if errors:
            raise ma.ValidationError(errors)
        return super().load_querystring(req, schema)
