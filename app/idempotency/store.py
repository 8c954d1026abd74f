"""Claiming a key, recording its answer, giving it up: each its own short transaction.

A key is claimed before the use case runs (the unique constraint makes concurrent claims of one
key produce one winner); the answer is recorded after it. A claim left unanswered for longer
than `ABANDONED_AFTER` (the process died in between) may be taken over by a retry.
"""

from __future__ import annotations

import hashlib
import uuid
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from app.audit import record_phi_access
from app.clock import utcnow
from app.db.unit_of_work import run_in_transaction
from app.exceptions import Conflict, InvalidRequest
from app.idempotency.models import IdempotentRequest

KEPT_FOR = timedelta(hours=24)
ABANDONED_AFTER = timedelta(minutes=2)


@dataclass(frozen=True)
class Replay:
    """The first answer to a key, to be sent again."""

    status_code: int
    body: str
    headers: dict[str, Any]


def fingerprint(method: str, path: str, body: bytes) -> str:
    """What makes two requests the same request."""
    digest = hashlib.sha256()
    for part in (method.encode(), b"\0", path.encode(), b"\0", body):
        digest.update(part)
    return digest.hexdigest()


def claim(*, session: Session, user_id: uuid.UUID, key: str, request_print: str) -> Replay | None:
    """Take the key for this request; or the first answer to replay; or refuse (409, 422)."""
    now = utcnow()

    def take() -> Replay | None:
        found = session.scalar(
            select(IdempotentRequest)
            .where(IdempotentRequest.user_id == user_id, IdempotentRequest.key == key)
            .with_for_update()
        )
        if found is not None and found.started_at <= now - KEPT_FOR:
            session.delete(found)  # expired: the key is new again
            session.flush()
            found = None
        if found is None:
            session.add(
                IdempotentRequest(
                    user_id=user_id, key=key, fingerprint=request_print, started_at=now
                )
            )
            return None
        if found.fingerprint != request_print:
            raise InvalidRequest(
                "This Idempotency-Key was used for a different request; use a new key.",
                errors={"Idempotency-Key": ["Already used with another method, path or body."]},
            )
        if found.status_code is not None:
            record_phi_access(  # the first answer is shown again: audited like a read
                session=session,
                actor_id=user_id,
                action="replay",
                resource_type="idempotent_request",
                resource_id=found.id,
            )
            return Replay(
                found.status_code, found.response_body or "", found.response_headers or {}
            )
        if found.started_at > now - ABANDONED_AFTER:
            raise Conflict(
                "A request with this Idempotency-Key is still being handled; retry shortly.",
                errors={"Idempotency-Key": ["In progress."]},
            )
        found.started_at = now  # abandoned by a process that died: this retry takes it over
        return None

    try:
        return run_in_transaction(take, session=session)
    except Conflict as error:
        if error.errors:  # our own answer, as it is
            raise
        raise Conflict(  # a concurrent first use won the insert (a unique violation)
            "A request with this Idempotency-Key is still being handled; retry shortly.",
            errors={"Idempotency-Key": ["In progress."]},
        ) from error
    except IntegrityError as error:  # a concurrent first use won the insert
        raise Conflict(
            "A request with this Idempotency-Key is still being handled; retry shortly.",
            errors={"Idempotency-Key": ["In progress."]},
        ) from error


def record(
    *,
    session: Session,
    user_id: uuid.UUID,
    key: str,
    status_code: int,
    body: str,
    headers: dict[str, Any],
) -> None:
    """Keep the answer to send to any retry within `KEPT_FOR`."""

    def keep() -> None:
        found = session.scalar(
            select(IdempotentRequest).where(
                IdempotentRequest.user_id == user_id, IdempotentRequest.key == key
            )
        )
        if found is not None:
            found.status_code, found.response_body = status_code, body
            found.response_headers = headers

    run_in_transaction(keep, session=session)


def release(*, session: Session, user_id: uuid.UUID, key: str) -> None:
    """Give the key up (the request failed without an answer worth repeating)."""
    run_in_transaction(
        lambda: session.execute(
            delete(IdempotentRequest).where(
                IdempotentRequest.user_id == user_id, IdempotentRequest.key == key
            )
        ),
        session=session,
    )
