"""Percentiles of already-reduced values, the same on PostgreSQL and SQLite.

PostgreSQL computes them in SQL with `percentile_cont` (linear interpolation). SQLite has no
ordered-set aggregates, so there the query's values (already one per client or per alert,
reduced by SQL) are read and interpolated here with the same formula, so both agree.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement, Float, cast, func
from sqlalchemy.orm import Session


def native(session: Session) -> bool:
    """The database computes percentiles itself (PostgreSQL)."""
    return session.get_bind().dialect.name == "postgresql"


def percentile_sql(fraction: float, value: ColumnElement[Any]) -> ColumnElement[float]:
    """SQL (PostgreSQL): the linear-interpolated percentile of a float expression."""
    return func.percentile_cont(fraction).within_group(cast(value, Float))


def interpolate(values: list[float], fraction: float) -> float | None:
    """PostgreSQL's percentile_cont, for values SQL already reduced (None when there are none)."""
    if not values:
        return None
    ordered = sorted(values)
    position = fraction * (len(ordered) - 1)
    low = int(position)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


def rounded(value: float | None, digits: int = 2) -> float | None:
    """A figure for the table (None stays None)."""
    return None if value is None else round(float(value), digits)
