"""External calendar files for tests: a daily recurring event, an all-day event, free time."""

from __future__ import annotations

from datetime import datetime, timedelta

RECURRING = b"""BEGIN:VCALENDAR
VERSION:2.0
PRODID:-//test//EN
BEGIN:VEVENT
UID:weekly@example.org
DTSTART:{start}
DTEND:{end}
RRULE:FREQ=DAILY;COUNT=3
EXDATE:{skipped}
SUMMARY:Busy
END:VEVENT
BEGIN:VEVENT
UID:allday@example.org
DTSTART;VALUE=DATE:{day}
DTEND;VALUE=DATE:{next_day}
SUMMARY:Conference
END:VEVENT
BEGIN:VEVENT
UID:free@example.org
DTSTART:{start}
DTEND:{end}
TRANSP:TRANSPARENT
SUMMARY:Free time
END:VEVENT
END:VCALENDAR
"""


def calendar_bytes(first_day: datetime) -> bytes:
    """Busy 10:00-11:00 UTC on the first and third day, all of the fourth day: three events."""
    fmt = "%Y%m%dT%H%M%SZ"
    start = first_day + timedelta(hours=10)
    all_day = first_day + timedelta(days=3)
    return (
        RECURRING.replace(b"{start}", start.strftime(fmt).encode())
        .replace(b"{end}", (start + timedelta(hours=1)).strftime(fmt).encode())
        .replace(b"{skipped}", (start + timedelta(days=1)).strftime(fmt).encode())
        .replace(b"{day}", all_day.strftime("%Y%m%d").encode())
        .replace(b"{next_day}", (all_day + timedelta(days=1)).strftime("%Y%m%d").encode())
    )
