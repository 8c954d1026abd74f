"""Query strings hold only what the operation documents, like bodies hold only known fields.

The allowed names come from the OpenAPI document itself, so the check and the documentation
cannot disagree. `tz` is documented on every operation: it names the zone the answer's
instants are rendered in (`app.web.rendering`).
"""

from __future__ import annotations

from functools import cache
from typing import Any
from zoneinfo import ZoneInfo

from flask import Flask, request
from flask_smorest import Api

from app.exceptions import InvalidRequest
from app.vocabularies import TIME_ZONES
from app.web.openapi import openapi_path
from app.web.parsing import printable
from app.web.rendering import RENDER_ZONE_PARAMETER, set_response_zone

UNKNOWN_MESSAGE = "Unknown query parameter."


def init_query_checks(app: Flask, api: Api, *, prefix: str) -> None:
    """Refuse undocumented query parameters and apply `tz` before every API view."""

    @cache
    def documented(rule: str, method: str) -> frozenset[str] | None:
        document: dict[str, Any] = api.spec.to_dict()
        operation = document["paths"].get(openapi_path(rule), {}).get(method.lower())
        if operation is None:
            return None
        parameters = operation.get("parameters", [])
        return frozenset(p["name"] for p in parameters if p.get("in") == "query")

    @app.before_request
    def _check_query_string() -> None:
        rule = request.url_rule
        if rule is None or not request.path.startswith(prefix) or request.method == "OPTIONS":
            return
        allowed = documented(rule.rule, request.method)
        if allowed is None:  # HEAD, or no operation: the view answers as it would
            return
        unknown = sorted(set(request.args) - allowed)
        if unknown:
            raise InvalidRequest(
                "The request is invalid; see errors for each field.",
                errors={"query": {printable(name[:100]): [UNKNOWN_MESSAGE] for name in unknown}},
            )
        zone = request.args.get(RENDER_ZONE_PARAMETER)
        if zone is not None:
            if zone not in TIME_ZONES:
                raise InvalidRequest(
                    "The request is invalid; see errors for each field.",
                    errors={
                        "query": {
                            RENDER_ZONE_PARAMETER: [
                                "Unknown time zone; use an IANA name such as America/New_York."
                            ]
                        }
                    },
                )
            set_response_zone(ZoneInfo(zone))
