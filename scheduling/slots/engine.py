"""The slot engine: availability + busy time + policy -> bookable start instants.

Pure functions, no database and no Flask. Availability is wall-clock time in the therapist's
IANA zone; everything else is UTC instants. The rules across daylight-saving changes:

- a weekly interval keeps its wall-clock times on every date (09:00 stays 09:00 local);
- candidate starts lie on a grid of wall-clock times from the interval's start, every `step`;
- a wall-clock start that does not exist (spring-forward gap) is skipped;
- a wall-clock start that occurs twice (fall-back) is offered once, at its first occurrence;
- the session itself (start + duration, in real elapsed time) must end by the interval's end;
- an interval closes when the clock first reaches its end: the first occurrence of a repeated
  end, the jump itself for a skipped one (a day ending at a skipped midnight keeps its last slot);
- the session with its buffers must not overlap any busy interval.

The booking path asks the same engine whether one start is bookable, so whatever is listed can
be booked and nothing else can.
"""

from __future__ import annotations

import bisect
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from itertools import islice
from zoneinfo import ZoneInfo

Interval = tuple[datetime, datetime]  # [start, end) in UTC
MinuteRange = tuple[int, int]  # [start, end) minutes after local midnight, end <= 1440


@dataclass(frozen=True)
class Availability:
    """Weekly wall-clock hours (index 0 = Monday) and per-date replacements, in one zone."""

    timezone: str
    weekly: Mapping[int, Sequence[MinuteRange]] = field(default_factory=dict)
    overrides: Mapping[date, Sequence[MinuteRange]] = field(default_factory=dict)

    def ranges_on(self, day: date) -> Sequence[MinuteRange]:
        """The wall-clock ranges open on a local date (an override replaces the weekday)."""
        if day in self.overrides:
            return self.overrides[day]
        return self.weekly.get(day.weekday(), ())


@dataclass(frozen=True)
class SlotPolicy:
    """How sessions of one type are placed."""

    duration: timedelta
    step: timedelta
    buffer_before: timedelta = timedelta(0)
    buffer_after: timedelta = timedelta(0)
    min_notice: timedelta = timedelta(0)
    horizon: timedelta = timedelta(days=60)

    def block(self, start: datetime) -> Interval:
        """The time a session starting then reserves, buffers included."""
        return start - self.buffer_before, start + self.duration + self.buffer_after


class BusyTimeline:
    """Busy intervals sorted for fast overlap queries."""

    def __init__(self, intervals: Sequence[Interval]) -> None:
        merged: list[list[datetime]] = []
        for start, end in sorted(intervals):
            if merged and start <= merged[-1][1]:
                merged[-1][1] = max(merged[-1][1], end)
            else:
                merged.append([start, end])
        self._starts = [start for start, _ in merged]
        self._ends = [end for _, end in merged]

    def overlaps(self, start: datetime, end: datetime) -> bool:
        """True when [start, end) touches a busy interval (shared endpoints do not count)."""
        index = bisect.bisect_left(self._starts, end)  # intervals starting before `end`
        return index > 0 and self._ends[index - 1] > start


def _reads_at_least(instant: datetime, local: datetime, zone: ZoneInfo) -> bool:
    return instant.astimezone(zone).replace(tzinfo=None) >= local


def first_reaching(local: datetime, zone: ZoneInfo) -> datetime:
    """The first UTC instant at which the zone's clock reads `local` or later.

    A repeated time (fall-back) gives its first occurrence; a skipped time (spring-forward
    gap) gives the instant of the transition, the moment the clock jumps past it.
    """
    readings = sorted(local.replace(fold=f, tzinfo=zone).astimezone(UTC) for f in (0, 1))
    if _reads_at_least(readings[0], local, zone):
        return readings[0]
    # The earlier reading falls before a gap and the later one after it: the transition lies
    # between them, on a whole second (tzdata transitions are whole seconds).
    low, high = 0, int((readings[1] - readings[0]).total_seconds())
    while high - low > 1:
        middle = (low + high) // 2
        if _reads_at_least(readings[0] + timedelta(seconds=middle), local, zone):
            high = middle
        else:
            low = middle
    return readings[0] + timedelta(seconds=high)


def _start_instant(local: datetime, zone: ZoneInfo) -> datetime | None:
    """The UTC instant of a wall-clock start: its first occurrence, None in a gap."""
    instant = first_reaching(local, zone)
    if instant.astimezone(zone).replace(tzinfo=None) != local:
        return None  # the clock jumped over this time
    return instant


def _end_instant(local: datetime, zone: ZoneInfo) -> datetime:
    """The UTC instant where an interval ending at a wall-clock time closes.

    That is when the clock first reaches the end: its first occurrence when repeated, the
    transition when the clock skips over it (a day ending at a skipped midnight).
    """
    return first_reaching(local, zone)


def iter_starts(
    availability: Availability,
    policy: SlotPolicy,
    busy: BusyTimeline,
    *,
    window_start: datetime,
    window_end: datetime,
    now: datetime,
) -> Iterator[datetime]:
    """Yield bookable start instants in [window_start, window_end), in order."""
    zone = ZoneInfo(availability.timezone)
    earliest = max(window_start, now + policy.min_notice)
    latest = min(window_end, now + policy.horizon)
    if earliest >= latest:
        return
    day = earliest.astimezone(zone).date() - timedelta(days=1)
    last_day = latest.astimezone(zone).date()
    step_minutes = max(1, int(policy.step.total_seconds() // 60))
    while day <= last_day:
        midnight = datetime(day.year, day.month, day.day)  # noqa: DTZ001 (wall clock, zone applied below)
        for start_minute, end_minute in sorted(availability.ranges_on(day)):
            closes = _end_instant(midnight + timedelta(minutes=end_minute), zone)
            for minute in range(start_minute, end_minute, step_minutes):
                start = _start_instant(midnight + timedelta(minutes=minute), zone)
                if start is None or start < earliest:
                    continue
                if start >= latest or start + policy.duration > closes:
                    break
                if not busy.overlaps(*policy.block(start)):
                    yield start
        day += timedelta(days=1)


def bookable_starts(
    availability: Availability,
    policy: SlotPolicy,
    busy: Sequence[Interval],
    *,
    window_start: datetime,
    window_end: datetime,
    now: datetime,
    limit: int | None = None,
) -> list[datetime]:
    """Bookable start instants in the window, earliest first (at most `limit`)."""
    starts = iter_starts(
        availability,
        policy,
        BusyTimeline(busy),
        window_start=window_start,
        window_end=window_end,
        now=now,
    )
    return list(islice(starts, limit))


def is_bookable(
    availability: Availability,
    policy: SlotPolicy,
    busy: Sequence[Interval],
    *,
    start: datetime,
    now: datetime,
) -> bool:
    """True when the engine would list exactly this start."""
    found = bookable_starts(
        availability,
        policy,
        busy,
        window_start=start,
        window_end=start + timedelta(microseconds=1),
        now=now,
        limit=1,
    )
    return found == [start]
