"""`Location` on every 201: where the created resource (or the closest readable one) lives."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar, cast

from flask import Response

F = TypeVar("F", bound=Callable[..., Any])
API_PREFIX = "/api/v1"


def located(template: str) -> Callable[[F], F]:
    """Send `Location: /api/v1<template>` with the 201, filled from the path and the answer.

    Fields are named as in `str.format`: `{appointment_id}` from the path, `{id}` from the
    answer, `{therapist[id]}` from a nested object. Put it right above `blp.response`.
    """

    def decorator(view: F) -> F:
        @wraps(view)
        def locate(*args: Any, **kwargs: Any) -> Any:
            response = view(*args, **kwargs)
            if isinstance(response, Response) and response.status_code == 201:
                body = response.get_json(silent=True)
                fields = {**kwargs, **(body if isinstance(body, dict) else {})}
                response.headers["Location"] = API_PREFIX + template.format_map(fields)
            return response

        return cast(F, locate)

    return decorator
