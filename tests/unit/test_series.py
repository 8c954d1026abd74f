"""Recurring series: occurrences keep their local wall-clock time across DST changes."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from scheduling.appointments.series import occurrence_starts


def test_series_keeps_local_time_across_dst():
    zone = ZoneInfo("America/New_York")
    first = datetime(2026, 10, 26, 9, tzinfo=zone)
    starts = occurrence_starts(first.astimezone(UTC), "America/New_York", interval_weeks=1, count=3)
    assert [s.astimezone(zone).strftime("%H:%M%z") for s in starts] == [
        "09:00-0400",
        "09:00-0500",
        "09:00-0500",
    ]
