"""The slot engine against an independent model of wall-clock hours, around real clock changes.

The model never resolves a wall-clock time to an instant: it walks UTC minute by minute,
reads the therapist's clock at each minute and decides from those readings alone.

- An interval [S, E) of local date d opens when the clock first reads d+S or later and closes
  when it first reads d+E or later (E = 24:00 is the next date's midnight). A clock that falls
  back does not reopen or close an interval, so membership is judged on the highest reading so
  far: a minute is inside when S <= that reading < E.
- Candidate starts are the wall-clock grid S, S + step, ...; a grid time is offered at the
  first minute the clock shows it, and never when the clock skips it.
- A session is bookable when every minute of it is inside the interval, it respects notice and
  horizon, and its block (buffers included) shares no time with a busy interval.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from scheduling.slots.engine import Availability, SlotPolicy, bookable_starts, is_bookable

MINUTE = timedelta(minutes=1)
LONG_AGO = datetime(2000, 1, 1, tzinfo=UTC)

# (zone, local date of the change, what happens), checked against tzdata by test_changes_are_real
CHANGES = [
    ("America/Santiago", date(2016, 8, 14), "00:00 -> 01:00"),  # south, spring, at midnight
    ("America/Santiago", date(2016, 5, 14), "24:00 -> 23:00"),  # south, autumn, at midnight
    ("America/Havana", date(2015, 3, 8), "00:00 -> 01:00"),
    ("America/Havana", date(2015, 11, 1), "01:00 -> 00:00"),
    ("Asia/Beirut", date(2015, 3, 29), "00:00 -> 01:00"),
    ("Asia/Beirut", date(2015, 10, 24), "24:00 -> 23:00"),
    ("America/Asuncion", date(2015, 10, 4), "00:00 -> 01:00"),
    ("America/Asuncion", date(2016, 3, 26), "24:00 -> 23:00"),
    ("America/Sao_Paulo", date(2015, 10, 18), "00:00 -> 01:00"),
    ("Asia/Tehran", date(2015, 3, 22), "00:00 -> 01:00"),  # +03:30 -> +04:30
    ("Asia/Tehran", date(2015, 9, 21), "24:00 -> 23:00"),
    ("Australia/Lord_Howe", date(2016, 10, 2), "02:00 -> 02:30"),  # a 30-minute shift
    ("Australia/Lord_Howe", date(2016, 4, 3), "02:00 -> 01:30"),
    ("Australia/Sydney", date(2026, 10, 4), "02:00 -> 03:00"),
    ("Australia/Sydney", date(2026, 4, 5), "03:00 -> 02:00"),
    ("America/New_York", date(2026, 3, 8), "02:00 -> 03:00"),
    ("America/New_York", date(2026, 11, 1), "02:00 -> 01:00"),
    ("Europe/Berlin", date(2026, 3, 29), "02:00 -> 03:00"),
    ("Asia/Kathmandu", date(2026, 6, 1), "no change"),  # +05:45 all year
]


def _clock(instant: datetime, zone: ZoneInfo) -> datetime:
    return instant.astimezone(zone).replace(tzinfo=None)


def model_starts(
    availability: Availability,
    policy: SlotPolicy,
    busy: list[tuple[datetime, datetime]],
    *,
    window_start: datetime,
    window_end: datetime,
    now: datetime,
) -> list[datetime]:
    """Bookable starts found by reading the clock at every UTC minute (see the module doc)."""
    zone = ZoneInfo(availability.timezone)
    first = window_start.astimezone(UTC) - timedelta(days=2)  # UTC: minutes of real time
    minutes = [first + i * MINUTE for i in range(int((window_end - first) / MINUTE) + 2880)]
    readings = [_clock(m, zone) for m in minutes]
    first_shown: dict[datetime, int] = {}
    for index, reading in enumerate(readings):
        first_shown.setdefault(reading, index)
    highest, top = [], readings[0]
    for reading in readings:
        top = max(top, reading)
        highest.append(top)
    earliest, latest = (
        max(window_start, now + policy.min_notice),
        min(window_end, now + policy.horizon),
    )
    found = set()
    day = _clock(first, zone).date()
    while day <= _clock(window_end, zone).date():
        midnight = datetime(day.year, day.month, day.day)
        for start_minute, end_minute in availability.ranges_on(day):
            opens = midnight + timedelta(minutes=start_minute)
            closes = midnight + timedelta(minutes=end_minute)
            inside = [opens <= h < closes for h in highest]
            for grid in range(start_minute, end_minute, int(policy.step / MINUTE)):
                shown = midnight + timedelta(minutes=grid)
                index = first_shown.get(shown)
                if index is None:
                    continue  # the clock never shows this time
                start = minutes[index]
                length = int(policy.duration / MINUTE)
                if not all(inside[index : index + length]):
                    continue
                block_start = start - policy.buffer_before
                block_end = start + policy.duration + policy.buffer_after
                if any(b0 < block_end and b1 > block_start for b0, b1 in busy):
                    continue
                if earliest <= start < latest:
                    found.add(start)
        day += timedelta(days=1)
    return sorted(found)


def _engine(availability, policy, busy, **window) -> list[datetime]:
    return bookable_starts(availability, policy, busy, **window)


def test_changes_are_real() -> None:
    for zone_name, day, what in CHANGES:
        zone = ZoneInfo(zone_name)
        noon_before = datetime.combine(day, datetime.min.time()) - timedelta(hours=12)
        offsets = {
            (noon_before.replace(tzinfo=zone) + timedelta(hours=h)).utcoffset() for h in (0, 36)
        }
        assert (len(offsets) == 1) == (what == "no change"), (zone_name, day)


@pytest.mark.parametrize(
    ("zone", "eve"),
    [
        ("America/Santiago", date(2016, 8, 13)),
        ("America/Havana", date(2015, 3, 7)),
        ("Asia/Beirut", date(2015, 3, 28)),
        ("America/Asuncion", date(2015, 10, 3)),
        ("America/Sao_Paulo", date(2015, 10, 17)),
        ("Asia/Tehran", date(2015, 3, 21)),
    ],
)
def test_an_evening_ending_at_a_skipped_midnight_keeps_its_last_slot(zone, eve) -> None:
    tz = ZoneInfo(zone)
    availability = Availability(zone, weekly={eve.weekday(): [(20 * 60, 24 * 60)]})
    policy = SlotPolicy(duration=timedelta(minutes=60), step=timedelta(minutes=60))
    start = datetime.combine(eve, datetime.min.time(), tzinfo=tz)
    window = {"window_start": start, "window_end": start + timedelta(hours=30), "now": start}
    found = _engine(availability, policy, [], **window)
    # Hand-computed: 20:00, 21:00, 22:00, 23:00 local, each an hour; the clock then jumps to 01:00.
    assert [s.astimezone(tz).strftime("%H:%M") for s in found] == [
        "20:00",
        "21:00",
        "22:00",
        "23:00",
    ]
    last = found[-1]
    assert _clock(last + timedelta(hours=1), tz) == datetime.combine(
        eve + timedelta(days=1), datetime.min.time()
    ) + timedelta(hours=1)
    assert is_bookable(availability, policy, [], start=last, now=start)
    assert found == model_starts(availability, policy, [], **window)


def test_an_interval_ending_inside_a_gap_closes_at_the_jump() -> None:
    # New York 2026-03-08: 02:00 EST -> 03:00 EDT at 07:00 UTC. Hours 00:00-02:30 end in the gap,
    # so the interval really ends at 07:00 UTC: a 120-minute session from 00:00 fits exactly.
    tz = ZoneInfo("America/New_York")
    day = date(2026, 3, 8)
    availability = Availability("America/New_York", overrides={day: [(0, 150)]})
    policy = SlotPolicy(duration=timedelta(minutes=120), step=timedelta(minutes=30))
    start = datetime.combine(day, datetime.min.time(), tzinfo=tz)
    window = {"window_start": start, "window_end": start + timedelta(hours=12), "now": start}
    found = _engine(availability, policy, [], **window)
    assert found == [datetime(2026, 3, 8, 5, tzinfo=UTC)]
    assert found == model_starts(availability, policy, [], **window)


MINUTES = st.one_of(
    st.sampled_from([0, 30, 60, 90, 120, 150, 180, 1320, 1380, 1410, 1440]),
    st.integers(0, 1440).map(lambda m: m - m % 15),
)


@st.composite
def cases(draw):
    zone_name, day, _ = draw(st.sampled_from(CHANGES))
    days = [day + timedelta(days=d) for d in (-1, 0, 1)]
    ranges = {}
    for d in days:
        bounds = sorted(draw(st.lists(MINUTES, min_size=0, max_size=4, unique=True)))
        pairs = [(a, b) for a, b in zip(bounds[::2], bounds[1::2], strict=False) if a < b]
        ranges[d] = pairs
    policy = SlotPolicy(
        duration=timedelta(minutes=draw(st.sampled_from([15, 30, 50, 60, 90, 120, 180]))),
        step=timedelta(minutes=draw(st.sampled_from([15, 30, 45, 60, 90]))),
        buffer_before=timedelta(minutes=draw(st.sampled_from([0, 10]))),
        buffer_after=timedelta(minutes=draw(st.sampled_from([0, 15]))),
        min_notice=timedelta(hours=draw(st.sampled_from([0, 0, 30]))),
        horizon=timedelta(days=draw(st.sampled_from([3650, 3650, 2]))),
    )
    zone = ZoneInfo(zone_name)
    window_start = datetime.combine(days[0], datetime.min.time(), tzinfo=zone)
    window_end = window_start + timedelta(days=3)
    busy = []
    for offset, length in draw(
        st.lists(st.tuples(st.integers(0, 72 * 4), st.integers(1, 8)), max_size=3)
    ):
        begin = window_start.astimezone(UTC) + timedelta(minutes=15 * offset)
        busy.append((begin, begin + timedelta(minutes=15 * length)))
    now = window_start - timedelta(days=draw(st.sampled_from([1, 0])))
    return Availability(zone_name, overrides=ranges), policy, busy, window_start, window_end, now


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(cases())
def test_engine_lists_exactly_what_the_wall_clock_model_allows(case) -> None:
    availability, policy, busy, window_start, window_end, now = case
    window = {"window_start": window_start, "window_end": window_end, "now": now}
    expected = model_starts(availability, policy, busy, **window)
    assert _engine(availability, policy, busy, **window) == expected
    for start in expected:
        assert is_bookable(availability, policy, busy, start=start, now=now)
