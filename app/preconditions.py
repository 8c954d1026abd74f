"""Conditional writes: a use case checks the state it is about to replace, in its transaction.

The web layer turns `If-Match` into a `Precondition`; the use case calls it with the current
state after locking it, so two people editing the same thing cannot both win silently.
"""

from __future__ import annotations

from collections.abc import Callable

from app.exceptions import PreconditionFailed

Precondition = Callable[[object], None]
STALE_MESSAGE = "It changed since you read it: fetch it again (new ETag) and redo your change."


def unconditional(current: object) -> None:
    """The precondition of a write that names no version: always met."""


def stale() -> PreconditionFailed:
    """The error of a write based on an older version."""
    return PreconditionFailed(STALE_MESSAGE)
