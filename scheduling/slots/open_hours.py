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


def subtract(intervals: Sequence[Interval], holes: Sequence[Interval]) -> list[Interval]:
    """Merged `intervals` minus `holes` (both [start, end) in UTC)."""
    merged: list[list[datetime]] = []
    for start, end in sorted(intervals):
        if merged and start <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], end)
        else:
            merged.append([start, end])
    result: list[Interval] = []
    cuts = sorted(holes)
    for start, end in merged:
        for hole_start, hole_end in cuts:
            if hole_end <= start or hole_start >= end:
                continue
            if hole_start > start:
                result.append((start, hole_start))
            start = max(start, hole_end)
            if start >= end:
                break
        if start < end:
            result.append((start, end))
    return result
