"""SQL that puts instants into report periods by binary search, and sums elapsed time.

`app.reporting.periods.period_of` is one CASE over the bounds in order: about half the periods
compared per row (26 for a year of weeks). A balanced tree of CASEs needs log2 of them (6),
which is most of the grouping's cost on a year of appointments. Periods come back as indexes
into `query.periods`, labelled in Python.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, Float, Integer, SQLColumnExpression, case, literal
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.expression import FunctionElement

from app.reporting.periods import Period


def ends_reached(
    instant: SQLColumnExpression[datetime], ends: Sequence[datetime], offset: int = 0
) -> ColumnElement[int]:
    """SQL: how many of the sorted `ends` are at or before the instant (0..len(ends)).

    With period ends, that is the index of the period holding the instant (0 before the first,
    len(ends) after the last); a NULL instant counts as after them all.
    """
    if not ends:
        return literal(offset, Integer)
    middle = len(ends) // 2
    return case(
        (instant < ends[middle], ends_reached(instant, ends[:middle], offset)),
        else_=ends_reached(instant, ends[middle + 1 :], offset + middle + 1),
    )


def period_index(
    instant: SQLColumnExpression[datetime], periods: Sequence[Period]
) -> ColumnElement[int]:
    """SQL: the index of the period an instant falls in (filter with `within` first)."""
    return ends_reached(instant, [p.end for p in periods[:-1]])


class total_seconds(FunctionElement[float]):  # noqa: N801 (reads like the SQL function it is)
    """Aggregate: the sum of (later - earlier) over the group's rows, in seconds.

    PostgreSQL adds the intervals and converts once; SQLite rounds each row to whole seconds.
    """

    type = Float()
    inherit_cache = True
    name = "total_seconds"

    def __init__(self, later: Any, earlier: Any) -> None:
        super().__init__(later, earlier)


@compiles(total_seconds)
def _total_postgresql(element: total_seconds, compiler: Any, **kw: Any) -> str:
    later, earlier = (compiler.process(clause, **kw) for clause in element.clauses)
    return f"CAST(EXTRACT(EPOCH FROM SUM({later} - {earlier})) AS DOUBLE PRECISION)"


@compiles(total_seconds, "sqlite")
def _total_sqlite(element: total_seconds, compiler: Any, **kw: Any) -> str:
    later, earlier = (compiler.process(clause, **kw) for clause in element.clauses)
    return f"SUM(ROUND((julianday({later}) - julianday({earlier})) * 86400.0))"
