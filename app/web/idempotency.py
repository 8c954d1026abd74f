"""`Idempotency-Key` on POSTs that create or charge: a retry with the same key and body gets
the first answer (status, body, Location) for 24 hours instead of doing it twice."""

from __future__ import annotations

import functools
import re
from collections.abc import Callable
from typing import Any, TypeVar

from flask import Response, current_app, request
from flask_smorest import Blueprint

from app.exceptions import InvalidRequest
from app.idempotency.store import claim, fingerprint, record, release
from app.web.apidoc import documents_errors
from app.web.auth import current_principal
from app.web.extensions import db

F = TypeVar("F", bound=Callable[..., Any])
HEADER = "Idempotency-Key"
KEY = re.compile(r"^[\x21-\x7e]{1,255}$")
KEPT_HEADERS = ("Location", "ETag")
PARAMETER = {
    "in": "header",
    "name": HEADER,
    "required": False,
    "schema": {"type": "string", "minLength": 1, "maxLength": 255, "pattern": r"^[!-~]+$"},
    "description": "Send the same key when retrying: the first answer is returned again for "
    "24 hours (with `Idempotent-Replayed: true`); another request with that key is 422, one "
    "still in progress 409.",
}


def idempotent(blp: Blueprint) -> Callable[[F], F]:
    """Honour an Idempotency-Key (place it right under `auth_required`)."""

    def decorator(view: F) -> F:
        @functools.wraps(view)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            key = request.headers.get(HEADER)
            if key is None:
                return view(*args, **kwargs)
            if not KEY.match(key):
                raise InvalidRequest(
                    "The Idempotency-Key must be 1 to 255 visible ASCII characters.",
                    errors={HEADER: ["Invalid."]},
                )
            user_id = current_principal().user.id
            request_print = fingerprint(request.method, request.full_path, request.get_data())
            replay = claim(
                session=db.session, user_id=user_id, key=key, request_print=request_print
            )
            if replay is not None:
                return Response(
                    replay.body,
                    status=replay.status_code,
                    headers={**replay.headers, "Idempotent-Replayed": "true"},
                    mimetype="application/json",
                )
            try:
                response = current_app.make_response(view(*args, **kwargs))
            except BaseException:
                release(session=db.session, user_id=user_id, key=key)
                raise
            if response.status_code >= 500:
                release(session=db.session, user_id=user_id, key=key)
                return response
            kept = {
                name: response.headers[name] for name in KEPT_HEADERS if name in response.headers
            }
            record(
                session=db.session,
                user_id=user_id,
                key=key,
                status_code=response.status_code,
                body=response.get_data(as_text=True),
                headers=kept,
            )
            return response

        documented: F = blp.doc(parameters=[PARAMETER])(wrapper)
        return documents_errors(blp, 409, 422)(documented)

    return decorator
