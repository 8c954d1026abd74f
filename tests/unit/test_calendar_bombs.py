"""Calendar bombs: tiny files whose recurrences would take minutes and gigabytes to expand.

Each is refused with a reason (or expanded within the caps) by counting lazily; nothing here
measures time, but before the bounds each of these ran for many seconds and over a gigabyte.
"""

from __future__ import annotations

from datetime import timedelta

import pytest

from app.clock import utcnow
from scheduling.calendars.expansion import MAX_EVENTS
from scheduling.calendars.external import UnreadableCalendar, busy_from_ics

BOMB = b"""BEGIN:VCALENDAR\r
VERSION:2.0\r
PRODID:-//x//EN\r
BEGIN:VEVENT\r
UID:bomb@example.org\r
DTSTAMP:20240101T000000Z\r
DTSTART:19700101T000000Z\r
DURATION:PT1M\r
RRULE:{rule}\r
SUMMARY:x\r
END:VEVENT\r
END:VCALENDAR\r
"""


def window():
    now = utcnow()
    return now - timedelta(days=1), now + timedelta(days=400)


def bomb(rule: str, start: str = "19700101T000000Z") -> bytes:
    return BOMB.replace(b"{rule}", rule.encode()).replace(b"19700101T000000Z", start.encode())


@pytest.mark.parametrize("rule", ["FREQ=MINUTELY", "FREQ=SECONDLY;INTERVAL=7", "freq=minutely"])
def test_sub_hourly_recurrences_are_refused_with_the_reason(rule):
    data = bomb(rule)
    assert len(data) < 260
    start, end = window()
    with pytest.raises(UnreadableCalendar, match="more often than hourly"):
        busy_from_ics(data, zone="UTC", start=start, end=end)


@pytest.mark.parametrize(
    ("rule", "dtstart"),
    [
        ("FREQ=DAILY", "17000101T000000Z"),  # three centuries of days before the window
        ("FREQ=HOURLY", "20000101T000000Z"),
        ("FREQ=DAILY;BYHOUR=0,2,4,6,8,10,12,14,16,18,20,22;BYMINUTE=0,10,20,30,40,50", "20200101"),
    ],
)
def test_rules_that_generate_too_much_before_the_window_ends_are_refused(rule, dtstart):
    start, end = window()
    with pytest.raises(UnreadableCalendar, match="repeat more than"):
        busy_from_ics(bomb(rule, dtstart), zone="America/New_York", start=start, end=end)


def test_more_events_in_the_window_than_the_cap_is_refused_not_cut_short():
    start, end = window()
    recent = (start - timedelta(days=1)).strftime("%Y%m%dT%H0000Z")
    hours = ",".join(str(h) for h in range(24))  # 48 a day: about 19,000 in the window
    where = {"zone": "UTC", "start": start, "end": end}
    with pytest.raises(UnreadableCalendar, match=f"more than {MAX_EVENTS} events"):
        busy_from_ics(bomb("FREQ=DAILY;BYMINUTE=0,30;BYHOUR=" + hours, recent), **where)


def test_ordinary_recurrences_still_expand():
    start, end = window()
    weekly = bomb("FREQ=WEEKLY;BYDAY=MO,WE", "20100104T090000Z")
    busy = busy_from_ics(weekly, zone="UTC", start=start, end=end)
    assert 110 <= len(busy) <= 116
    assert all(b - a == timedelta(minutes=1) for a, b in busy)
