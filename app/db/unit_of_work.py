"""One unit of work per use case: begin, commit once, roll back on error, map conflicts.

Every write use case runs through `unit_of_work` (as a decorator) or `run_in_transaction`:
the transaction starts with SQLite's write lock taken up front (BEGIN IMMEDIATE), so writers
queue instead of failing to upgrade a read lock; it commits once when the work returns and
rolls back whatever the work raised. Nothing else in the code base commits or rolls back.

Database conflicts become domain errors here and only here: a violated constraint that a
package registered with `on_violation` raises that package's error; a serialization failure
or deadlock on PostgreSQL is retried a bounded number of times and then answered as
`ConcurrentChange` (409); any other integrity failure is a 409 as well, never a 500.
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable
from typing import ParamSpec, TypeVar

from sqlalchemy.exc import DBAPIError, IntegrityError, OperationalError
from sqlalchemy.orm import Session

from app.db.engine import SQLITE_BEGIN
from app.exceptions import Conflict, DomainError, InvalidRequest

P = ParamSpec("P")
T = TypeVar("T")

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 3
RETRYABLE_SQLSTATES = frozenset({"40001", "40P01"})  # serialization_failure, deadlock_detected
DATA_EXCEPTION_CLASS = "22"  # invalid text, NUL bytes, out-of-range numbers
_ACTIVE = "unit_of_work_active"

_violations: dict[str, Callable[[], DomainError]] = {}


class ConcurrentChange(Conflict):
    """The change lost a race with another one and was not saved; retrying may succeed."""


class NestedUnitOfWork(RuntimeError):
    """A use case called another use case: each request is exactly one unit of work."""


def on_violation(constraint_name: str, error: Callable[[], DomainError]) -> None:
    """Answer a violation of the named database constraint with this domain error."""
    _violations[constraint_name] = error


def unit_of_work(use_case: Callable[P, T]) -> Callable[P, T]:
    """Run the decorated use case, which takes `*, session`, as one unit of work."""

    @functools.wraps(use_case)
    def run(*args: P.args, **kwargs: P.kwargs) -> T:
        session = kwargs["session"]
        if not isinstance(session, Session):
            raise TypeError(f"{use_case.__qualname__} needs a keyword-only session")
        return run_in_transaction(lambda: use_case(*args, **kwargs), session=session)

    return run


def run_in_transaction(
    work: Callable[[], T], *, session: Session, attempts: int = MAX_ATTEMPTS
) -> T:
    """Run `work` in one write transaction; retry it on serialization failures and deadlocks."""
    if session.info.get(_ACTIVE):
        raise NestedUnitOfWork("a unit of work is already running on this session")
    for attempt in range(1, attempts + 1):
        _begin_write(session)
        session.info[_ACTIVE] = True
        try:
            result = work()
            session.commit()
        except DBAPIError as error:
            session.rollback()
            if _sqlstate(error) in RETRYABLE_SQLSTATES and attempt < attempts:
                logger.warning("transaction retried", extra={"attempt": attempt})
                continue
            meaning = _as_domain_error(error)
            if meaning is None:
                raise  # a bug, not a conflict: it surfaces as a 500 and in the logs
            raise meaning from error
        except BaseException:
            session.rollback()
            raise
        finally:
            session.info.pop(_ACTIVE, None)
        return result
    raise AssertionError("unreachable: the last attempt returns or raises")


def _begin_write(session: Session) -> None:
    """End the read-only transaction a request may have opened, then take the write lock."""
    if session.new or session.dirty or session.deleted:
        raise NestedUnitOfWork("changes were made outside a unit of work")
    if session.in_transaction():
        session.commit()  # end the read-only transaction (authentication); it wrote nothing
    session.connection(execution_options={SQLITE_BEGIN: "IMMEDIATE"})


def _sqlstate(error: DBAPIError) -> str | None:
    return getattr(error.orig, "sqlstate", None)


def _constraint_name(error: DBAPIError) -> str | None:
    diagnostics = getattr(error.orig, "diag", None)
    return getattr(diagnostics, "constraint_name", None)


def _as_domain_error(error: DBAPIError) -> DomainError | None:
    """The domain error a database failure means, or None when it is a bug."""
    make = _violations.get(_constraint_name(error) or "")
    if make is not None:
        return make()
    state = _sqlstate(error) or ""
    if state in RETRYABLE_SQLSTATES or (
        isinstance(error, OperationalError) and "database is locked" in str(error.orig)
    ):
        return ConcurrentChange(
            "Another change to the same data happened at the same time; nothing was saved. "
            "Try again."
        )
    if isinstance(error, IntegrityError):
        return Conflict("The change conflicts with existing data; nothing was saved.")
    if state.startswith(DATA_EXCEPTION_CLASS):
        return InvalidRequest("A value cannot be stored as given; nothing was saved.")
    return None
