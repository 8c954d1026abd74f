"""Reading an untrusted calendar is bounded in CPU time and memory by a child process."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from scheduling.calendars.bounded import TooCostly, run_bounded
from scheduling.calendars.external import UnreadableCalendar, busy_from_ics

START = datetime(2026, 11, 23, tzinfo=UTC)
END = START + timedelta(days=400)


def calendar(rule: str) -> bytes:
    return (
        "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//t//t//EN\r\nBEGIN:VEVENT\r\n"
        "UID:x@t\r\nDTSTAMP:20260101T000000Z\r\nDTSTART:20260101T090000Z\r\n"
        f"DTEND:20260101T100000Z\r\nRRULE:{rule}\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"
    ).encode()


def spin() -> int:
    while True:
        pass


def allocate() -> int:
    return len(bytearray(4 * 2**30))


def test_a_rule_that_never_occurs_is_refused_instead_of_scanning_to_year_9999():
    # February 30th never comes: dateutil would search every year up to 9999 for it.
    with pytest.raises(UnreadableCalendar, match="too costly"):
        busy_from_ics(
            calendar("FREQ=DAILY;BYMONTH=2;BYMONTHDAY=30"), zone="UTC", start=START, end=END
        )


def test_an_ordinary_weekly_event_is_still_read():
    busy = busy_from_ics(calendar("FREQ=WEEKLY;COUNT=3"), zone="UTC", start=START, end=END)
    assert busy == []  # all three were in January 2026, before the window
    busy = busy_from_ics(
        calendar("FREQ=WEEKLY"), zone="UTC", start=START, end=START + timedelta(days=14)
    )
    assert [b[0].weekday() for b in busy] == [3, 3]  # 2026-01-01 was a Thursday


def test_cpu_and_memory_overruns_end_the_child_not_the_caller():
    with pytest.raises(TooCostly):
        run_bounded(spin, cpu_seconds=1)
    with pytest.raises(TooCostly):
        run_bounded(allocate)


def test_results_and_errors_cross_back_to_the_caller():
    assert run_bounded(sum, [1, 2, 3]) == 6
    with pytest.raises(ZeroDivisionError):
        run_bounded(divmod, 1, 0)
