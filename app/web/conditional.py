"""ETags and If-Match: flask-smorest's ETag support, with If-Match optional but always honoured.

GET answers carry an ETag (a hash of the representation) and answer 304 to a matching
`If-None-Match`. A PUT or PATCH may send `If-Match` with the ETag it read; the use case then
compares it with the current representation inside its transaction (412 when stale). Without
`If-Match` the write is unconditional, as clients written before ETags expect.
"""

from __future__ import annotations

from typing import Any

from flask import request
from marshmallow import Schema

from app.preconditions import Precondition, stale, unconditional


def if_match(blp: Any, representation: type[Schema]) -> Precondition:
    """The request's `If-Match` as a check of the current state, rendered like the GET."""
    expected = request.if_match
    if not expected:
        return unconditional

    def check(current: object) -> None:
        if expected.star_tag:
            return
        if blp.representation_etag(representation().dump(current)) not in expected:
            raise stale()

    return check
