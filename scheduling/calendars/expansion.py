"""Expanding the recurring events of an untrusted calendar, within bounds of time and memory.

A rule's occurrences are generated from its DTSTART on, whatever window is asked for, so a
225-byte event repeating every minute since 1970 costs tens of millions of steps. Before
anything is expanded, every RRULE is checked: rules repeating more often than hourly are
refused, and the occurrences all rules generate up to the window's end are counted lazily and
refused past `MAX_STEPS`. The expansion itself is then lazy and stops at `MAX_EVENTS`
occurrences in the window: a calendar with more is refused rather than silently cut short
(which would hide busy time).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date, datetime, time
from typing import Any
from zoneinfo import ZoneInfo

import icalendar
import recurring_ical_events
from dateutil.rrule import rrulestr  # type: ignore[import-untyped]

MAX_EVENTS = 10_000  # occurrences in the window
MAX_STEPS = 50_000  # occurrences the rules generate from their starts to the window's end
SUB_HOURLY = frozenset({"SECONDLY", "MINUTELY"})
_BOUNDS = re.compile(r";?(UNTIL|COUNT)=[^;]*", re.IGNORECASE)


class CalendarTooLarge(ValueError):
    """The calendar repeats events too often, or has too many in the window."""


def occurrences(
    calendar: icalendar.Calendar, *, zone: str, start: datetime, end: datetime
) -> list[icalendar.Event]:
    """The events (recurring ones expanded) between two instants; CalendarTooLarge if too many."""
    check_recurrences(calendar, zone=zone, start=start, end=end)
    found: list[icalendar.Event] = []
    for event in _lazily(calendar, start, end):
        if len(found) == MAX_EVENTS:
            raise _too_many(start, end)
        found.append(event)
    return found


def _too_many(start: datetime, end: datetime) -> CalendarTooLarge:
    return CalendarTooLarge(
        f"The calendar has more than {MAX_EVENTS} events in the next {(end - start).days} days."
    )


def _lazily(calendar: icalendar.Calendar, start: datetime, end: datetime) -> Iterator[Any]:
    query = recurring_ical_events.of(calendar)
    for series in query.series:  # each series' occurrences are generated one at a time
        for occurrence in series.between(start, end):
            yield occurrence.as_component(False)


def check_recurrences(
    calendar: icalendar.Calendar, *, zone: str, start: datetime, end: datetime
) -> None:
    """Refuse sub-hourly rules, and rules generating more than MAX_STEPS occurrences by `end`
    or more than MAX_EVENTS between `start` and `end` (counted without expanding anything)."""
    steps = in_window = 0
    for event in calendar.walk("VEVENT"):
        rules = event.get("RRULE")
        if rules is None or "DTSTART" not in event:
            continue
        for rule in rules if isinstance(rules, list) else [rules]:
            frequency = str((rule.get("FREQ") or [""])[0]).upper()
            if frequency in SUB_HOURLY:
                raise CalendarTooLarge(
                    f"An event repeats {frequency.lower()}; events repeating more often than "
                    "hourly are not accepted."
                )
            counted = _steps_until(rule, event.decoded("DTSTART"), zone, (start, end), steps)
            steps, in_window = steps + counted[0], in_window + counted[1]
            if in_window > MAX_EVENTS:
                raise _too_many(start, end)


def _steps_until(
    rule: icalendar.vRecur,
    first: date | datetime,
    zone: str,
    window: tuple[datetime, datetime],
    spent: int,
) -> tuple[int, int]:
    """The occurrences the rule generates up to the window's end, and those in the window."""
    if not isinstance(first, datetime):
        first = datetime.combine(first, time(0))
    start, end = window
    if first.tzinfo is None:  # floating times are the therapist's wall clock
        start, end = (t.astimezone(ZoneInfo(zone)).replace(tzinfo=None) for t in window)
    text = rule.to_ical().decode()  # type: ignore[no-untyped-call]
    try:
        generated = rrulestr(text, dtstart=first, cache=False)
    except ValueError:
        try:  # without its bounds a rule generates at least as many: still an upper bound
            generated = rrulestr(_BOUNDS.sub("", text).lstrip(";"), dtstart=first, cache=False)
        except ValueError:
            return 0, 0  # not understood here: the expansion reports it as unreadable
    steps = in_window = 0
    for instant in generated:
        if instant > end:
            break
        steps += 1
        in_window += instant >= start
        if spent + steps > MAX_STEPS:
            raise CalendarTooLarge(
                f"The calendar's recurring events repeat more than {MAX_STEPS} times before "
                f"{window[1].date()}; remove old or very frequent repeating events."
            )
    return steps, in_window
