"""Checks every booking path shares: license, intake of new clients, slot, client's own time."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from scheduling.exceptions import SlotTaken

EXCLUSION_VIOLATION = "23P01"


@contextmanager
def conflicts_as_slot_taken(*, session: Session) -> Iterator[None]:
    """Turn the database's exclusion-constraint violation into SlotTaken (409)."""
    try:
        yield
        session.flush()
    except IntegrityError as exc:
        session.rollback()
        if getattr(exc.orig, "sqlstate", None) == EXCLUSION_VIOLATION:
            raise SlotTaken("That time was just taken; pick another slot.") from exc
        raise
