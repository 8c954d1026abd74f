"""OpenAPI helpers shared by every blueprint."""

from __future__ import annotations

import http
from collections.abc import Callable
from typing import Any, TypeVar

from flask_smorest import Blueprint

F = TypeVar("F", bound=Callable[..., Any])


def documents_errors(blp: Blueprint, *codes: int) -> Callable[[F], F]:
    """Document error statuses a view can return, each with the common error schema."""

    def decorator(view: F) -> F:
        for code in codes:
            view = blp.alt_response(code, response=http.HTTPStatus(code).name)(view)
        return view

    return decorator
