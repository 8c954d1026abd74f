"""Open hours as UTC intervals: an availability's wall-clock ranges, day by day, DST-correct.

Converting every range with zoneinfo is slow for a clinic-year, so a day is converted with
plain arithmetic when its UTC offset is the same at both midnights (no clock change that day),
and with the slot engine's exact rule (`first_reaching`) otherwise.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from datetime import UTC, date, datetime, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

from scheduling.slots.engine import Availability, Interval, first_reaching


@lru_cache(maxsize=65_536)
def _steady_offset(timezone: str, day: date) -> timedelta | None:
    """The zone's UTC offset all day long, or None when the clock changes on that day."""
    zone = ZoneInfo(timezone)
    midnight = datetime(day.year, day.month, day.day)  # noqa: DTZ001 (wall clock)
    first = (midnight.replace(tzinfo=zone)).utcoffset()
    last = (midnight + timedelta(days=1)).replace(tzinfo=zone).utcoffset()
    return first if first == last else None


def open_intervals(
    availability: Availability, first_day: date, last_day: date
) -> Iterator[Interval]:
    """The open UTC intervals of every local day in [first_day, last_day]."""
    zone = ZoneInfo(availability.timezone)
    day = first_day
    while day <= last_day:
        ranges = availability.ranges_on(day)
        if ranges:
            midnight = datetime(day.year, day.month, day.day)  # noqa: DTZ001 (wall clock)
            offset = _steady_offset(availability.timezone, day)
            for start_minute, end_minute in ranges:
                start = midnight + timedelta(minutes=start_minute)
                end = midnight + timedelta(minutes=end_minute)
                if offset is not None and end_minute < 24 * 60:
                    yield (start - offset).replace(tzinfo=UTC), (end - offset).replace(tzinfo=UTC)
                else:
                    opened, closed = first_reaching(start, zone), first_reaching(end, zone)
                    if closed > opened:
                        yield opened, closed
        day += timedelta(days=1)


def merged(intervals: Sequence[Interval]) -> list[Interval]:
    """The intervals sorted, with overlapping ones joined."""
    result: list[list[datetime]] = []
    for start, end in sorted(intervals):
        if result and start <= result[-1][1]:
            result[-1][1] = max(result[-1][1], end)
        else:
            result.append([start, end])
    return [(start, end) for start, end in result]


def intersect(intervals: Sequence[Interval], others: Sequence[Interval]) -> list[Interval]:
    """Where `intervals` and `others` overlap (each side merged first)."""
    result: list[Interval] = []
    right = merged(others)
    for start, end in merged(intervals):
        for other_start, other_end in right:
            low, high = max(start, other_start), min(end, other_end)
            if low < high:
                result.append((low, high))
    return result
