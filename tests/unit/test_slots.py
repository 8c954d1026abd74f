"""The slot engine: wall-clock rules across DST changes, buffers, notice, horizon, overrides."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from scheduling.slots.engine import (
    Availability,
    BusyTimeline,
    SlotPolicy,
    bookable_starts,
    is_bookable,
)

H = 60
WORKDAY = [(9 * H, 17 * H)]
EVERY_DAY = dict.fromkeys(range(7), WORKDAY)
HOURLY = SlotPolicy(
    duration=timedelta(minutes=50), step=timedelta(minutes=60), horizon=timedelta(days=3650)
)
LONG_AGO = datetime(2020, 1, 1, tzinfo=UTC)


def local_starts(
    zone: str, availability: Availability, day: date, policy=HOURLY, busy=(), now=LONG_AGO
) -> list[str]:
    tz = ZoneInfo(zone)
    start = datetime(day.year, day.month, day.day, tzinfo=tz)
    found = bookable_starts(
        availability,
        policy,
        list(busy),
        window_start=start,
        window_end=start + timedelta(days=1),
        now=now,
    )
    return [s.astimezone(tz).strftime("%H:%M%z") for s in found]


def assert_dst_change_on(zone: str, day: date) -> None:
    tz = ZoneInfo(zone)
    before = datetime(day.year, day.month, day.day, tzinfo=tz).utcoffset()
    after = (datetime(day.year, day.month, day.day, tzinfo=tz) + timedelta(days=1)).utcoffset()
    assert before != after, f"{zone} does not change offset on {day}"


# zone, a DST change date, the local offset before and after
DST_CHANGES = [
    ("America/New_York", date(2026, 3, 8), "-0500", "-0400"),
    ("America/New_York", date(2026, 11, 1), "-0400", "-0500"),
    ("America/New_York", date(2027, 3, 14), "-0500", "-0400"),
    ("America/New_York", date(2027, 11, 7), "-0400", "-0500"),
    ("Europe/Berlin", date(2026, 3, 29), "+0100", "+0200"),
    ("Europe/Berlin", date(2026, 10, 25), "+0200", "+0100"),
    ("Europe/Berlin", date(2027, 3, 28), "+0100", "+0200"),
    ("Europe/Berlin", date(2027, 10, 31), "+0200", "+0100"),
    ("Australia/Sydney", date(2026, 4, 5), "+1100", "+1000"),
    ("Australia/Sydney", date(2026, 10, 4), "+1000", "+1100"),
    ("Australia/Sydney", date(2027, 4, 4), "+1100", "+1000"),
    ("Australia/Sydney", date(2027, 10, 3), "+1000", "+1100"),
    ("Australia/Lord_Howe", date(2026, 4, 5), "+1100", "+1030"),
    ("Australia/Lord_Howe", date(2026, 10, 4), "+1030", "+1100"),
    ("Australia/Lord_Howe", date(2027, 4, 4), "+1100", "+1030"),
    ("Australia/Lord_Howe", date(2027, 10, 3), "+1030", "+1100"),
]


@pytest.mark.parametrize(
    ("zone", "day", "before", "after"), DST_CHANGES, ids=[f"{z}-{d}" for z, d, _, _ in DST_CHANGES]
)
def test_workday_keeps_its_wall_clock_hours_across_the_change(zone, day, before, after):
    assert_dst_change_on(zone, day)
    availability = Availability(zone, EVERY_DAY)
    expected = [f"{hour:02d}:00" for hour in range(9, 17)]
    for offset_days, offset in ((-1, before), (0, after), (1, after)):
        starts = local_starts(zone, availability, day + timedelta(days=offset_days))
        assert [s[:5] for s in starts] == expected
        assert {s[5:] for s in starts} == {offset}


NIGHT = {weekday: [(0, 6 * H)] for weekday in range(7)}
HALF_HOURLY = SlotPolicy(
    duration=timedelta(minutes=30), step=timedelta(minutes=30), horizon=timedelta(days=3650)
)


def test_times_in_the_spring_forward_gap_are_skipped_new_york():
    starts = local_starts(
        "America/New_York",
        Availability("America/New_York", NIGHT),
        date(2026, 3, 8),
        policy=HALF_HOURLY,
    )
    assert "02:00-0400" not in starts
    assert [s[:5] for s in starts] == [
        "00:00",
        "00:30",
        "01:00",
        "01:30",
        "03:00",
        "03:30",
        "04:00",
        "04:30",
        "05:00",
        "05:30",
    ]


def test_the_ambiguous_fall_back_hour_is_offered_once_new_york():
    starts = local_starts(
        "America/New_York",
        Availability("America/New_York", NIGHT),
        date(2026, 11, 1),
        policy=HALF_HOURLY,
    )
    assert [s[:5] for s in starts].count("01:00") == 1
    assert [s[:5] for s in starts].count("01:30") == 1
    assert "01:00-0400" in starts  # the first occurrence, still on daylight time
    assert len(starts) == 12


def test_lord_howe_half_hour_shift_skips_only_half_an_hour():
    starts = local_starts(
        "Australia/Lord_Howe",
        Availability("Australia/Lord_Howe", NIGHT),
        date(2026, 10, 4),
        policy=HALF_HOURLY,
    )
    assert [s[:5] for s in starts] == [
        "00:00",
        "00:30",
        "01:00",
        "01:30",
        "02:30",
        "03:00",
        "03:30",
        "04:00",
        "04:30",
        "05:00",
        "05:30",
    ]


def test_session_must_end_by_the_interval_end_in_real_time():
    # 01:00-03:00 on the New York spring-forward night is one real hour long
    availability = Availability("America/New_York", {6: [(1 * H, 3 * H)]})
    policy = SlotPolicy(
        duration=timedelta(minutes=60), step=timedelta(minutes=30), horizon=timedelta(days=3650)
    )
    assert local_starts("America/New_York", availability, date(2026, 3, 8), policy) == [
        "01:00-0500"
    ]


@pytest.mark.parametrize(
    ("zone", "day", "first_utc"),
    [
        ("Asia/Kolkata", date(2026, 6, 1), "03:30"),  # +05:30
        ("Asia/Kathmandu", date(2026, 6, 1), "03:15"),  # +05:45
        ("Pacific/Chatham", date(2026, 6, 1), "20:15"),  # +12:45 (winter), day before in UTC
        ("Pacific/Chatham", date(2026, 12, 1), "19:15"),  # +13:45 (southern summer)
        ("Australia/Adelaide", date(2026, 12, 1), "22:30"),  # +10:30
    ],
)
def test_fractional_offsets(zone, day, first_utc):
    tz = ZoneInfo(zone)
    start = datetime(day.year, day.month, day.day, tzinfo=tz)
    found = bookable_starts(
        Availability(zone, EVERY_DAY),
        HOURLY,
        [],
        window_start=start,
        window_end=start + timedelta(days=1),
        now=LONG_AGO,
    )
    assert found[0].astimezone(UTC).strftime("%H:%M") == first_utc
    assert found[0].astimezone(tz).strftime("%H:%M") == "09:00"


def test_override_changes_only_its_own_local_date():
    zone = "Pacific/Auckland"
    christmas = date(2026, 12, 25)
    availability = Availability(
        zone, EVERY_DAY, overrides={christmas: [(10 * H, 12 * H)], date(2026, 12, 26): []}
    )
    assert local_starts(zone, availability, christmas) == ["10:00+1300", "11:00+1300"]
    assert local_starts(zone, availability, date(2026, 12, 26)) == []
    assert len(local_starts(zone, availability, date(2026, 12, 24))) == 8
    assert len(local_starts(zone, availability, date(2026, 12, 27))) == 8
    # seen from New York the override still covers exactly the Auckland date
    ny = ZoneInfo("America/New_York")
    window = datetime(2026, 12, 24, tzinfo=ny)
    found = bookable_starts(
        availability,
        HOURLY,
        [],
        window_start=window,
        window_end=window + timedelta(days=1),
        now=LONG_AGO,
    )
    auckland_dates = {s.astimezone(ZoneInfo(zone)).date() for s in found}
    assert christmas in auckland_dates
    assert {
        s.astimezone(ZoneInfo(zone)).hour
        for s in found
        if s.astimezone(ZoneInfo(zone)).date() == christmas
    } == {10, 11}


def test_buffers_and_busy_time():
    zone = "UTC"
    policy = SlotPolicy(
        duration=timedelta(minutes=50),
        step=timedelta(minutes=30),
        buffer_after=timedelta(minutes=10),
        horizon=timedelta(days=3650),
    )
    busy = [(datetime(2026, 6, 1, 11, tzinfo=UTC), datetime(2026, 6, 1, 12, tzinfo=UTC))]
    starts = local_starts(zone, Availability(zone, EVERY_DAY), date(2026, 6, 1), policy, busy)
    # 10:00 + 50 min + 10 min buffer touches 11:00 exactly: allowed; 10:30 and 11:30 overlap
    assert "10:00+0000" in starts
    assert "10:30+0000" not in starts
    assert "11:00+0000" not in starts
    assert "12:00+0000" in starts


def test_buffer_before_keeps_distance_from_earlier_appointments():
    policy = SlotPolicy(
        duration=timedelta(minutes=50),
        step=timedelta(minutes=60),
        buffer_before=timedelta(minutes=15),
        horizon=timedelta(days=3650),
    )
    busy = [(datetime(2026, 6, 1, 9, tzinfo=UTC), datetime(2026, 6, 1, 9, 50, tzinfo=UTC))]
    starts = local_starts("UTC", Availability("UTC", EVERY_DAY), date(2026, 6, 1), policy, busy)
    assert starts[0] == "11:00+0000"  # 10:00 - 15 min overlaps the 09:00-09:50 session


def test_notice_and_horizon():
    now = datetime(2026, 6, 1, 9, 30, tzinfo=UTC)
    policy = SlotPolicy(
        duration=timedelta(minutes=50),
        step=timedelta(minutes=60),
        min_notice=timedelta(hours=2),
        horizon=timedelta(days=1),
    )
    found = bookable_starts(
        Availability("UTC", EVERY_DAY),
        policy,
        [],
        window_start=now - timedelta(days=1),
        window_end=now + timedelta(days=5),
        now=now,
    )
    assert found[0] == datetime(2026, 6, 1, 12, tzinfo=UTC)
    assert found[-1] == datetime(2026, 6, 2, 9, tzinfo=UTC)


def test_is_bookable_matches_the_listing():
    availability = Availability("America/New_York", EVERY_DAY)
    day = datetime(2026, 3, 8, tzinfo=ZoneInfo("America/New_York"))
    listed = set(
        bookable_starts(
            availability,
            HOURLY,
            [],
            window_start=day,
            window_end=day + timedelta(days=2),
            now=LONG_AGO,
        )
    )
    probe = day
    while probe < day + timedelta(days=2):
        assert is_bookable(availability, HOURLY, [], start=probe, now=LONG_AGO) == (probe in listed)
        probe += timedelta(minutes=30)


def test_busy_timeline_merges_and_treats_touching_as_free():
    t = lambda h: datetime(2026, 1, 1, h, tzinfo=UTC)  # noqa: E731
    timeline = BusyTimeline([(t(9), t(10)), (t(10), t(11)), (t(14), t(15))])
    assert timeline.overlaps(t(10), t(12))
    assert not timeline.overlaps(t(11), t(14))
    assert timeline.overlaps(t(13), t(15))
    assert not timeline.overlaps(t(15), t(16))
