"""Report periods: weeks (Monday first) or months in the clinic's zone, as UTC instants.

A period's bounds are local midnights converted with zoneinfo, so a week with a clock change
is 167 or 169 hours long, as it really is.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Literal
from zoneinfo import ZoneInfo

from sqlalchemy import (
    ColumnElement,
    SQLColumnExpression,
    String,
    and_,
    case,
    literal,
)

Granularity = Literal["week", "month"]
MAX_PERIODS = 120  # ten years of months, two years of weeks


@dataclass(frozen=True)
class Period:
    """One week or month: its label (first local day, ISO), and its UTC bounds [start, end)."""

    label: str
    first_day: date
    start: datetime
    end: datetime


def local_midnight(day: date, zone: ZoneInfo) -> datetime:
    """The instant (UTC) a local day begins (the first valid time if midnight is skipped)."""
    naive = datetime.combine(day, time())
    instant = naive.replace(tzinfo=zone).astimezone(UTC)
    # A clock change at local midnight can skip it: take the first minute that exists.
    while instant.astimezone(zone).date() < day:
        instant += timedelta(minutes=15)
    return instant


def _next_boundary(day: date, granularity: Granularity) -> date:
    if granularity == "week":
        return day + timedelta(days=7 - day.weekday())
    return date(day.year + day.month // 12, day.month % 12 + 1, 1)


def periods(start: date, end: date, granularity: Granularity, timezone: str) -> tuple[Period, ...]:
    """The periods covering local days [start, end); the first and last are clipped to them."""
    zone = ZoneInfo(timezone)
    result: list[Period] = []
    day = start
    while day < end:
        following = min(_next_boundary(day, granularity), end)
        result.append(
            Period(day.isoformat(), day, local_midnight(day, zone), local_midnight(following, zone))
        )
        day = following
    return tuple(result)


def period_of(
    instant: SQLColumnExpression[datetime], spans: tuple[Period, ...]
) -> ColumnElement[str]:
    """SQL: the label of the period an instant falls in (NULL outside them).

    One CASE over the sorted bounds: grouping by it scans the facts once, where a join with a
    table of periods revisits them per period.
    """
    return case(*((instant < period.end, literal(period.label, String(10))) for period in spans))


def within(
    instant: SQLColumnExpression[datetime], spans: tuple[Period, ...]
) -> ColumnElement[bool]:
    """SQL: the instant lies inside the periods' whole span."""
    return and_(instant >= spans[0].start, instant < spans[-1].end)
