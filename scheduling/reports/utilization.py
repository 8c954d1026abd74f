"""Available, booked and held hours per therapist per period, utilization and caseload.

Available hours come from each therapist's weekly hours, date overrides and time off, in the
therapist's own zone and DST-correct, cut at the clinic's period bounds; booked and held hours
(each session's own length) and caseloads (clients in the 90 days before each period's end)
are SQL aggregates.
"""

from __future__ import annotations

import bisect
import uuid
from collections import defaultdict
from datetime import date, timedelta
from itertools import accumulate

from sqlalchemy import ColumnElement, case, false, func, select, union_all
from sqlalchemy.orm import Session

from app.directory.models import TherapistProfile
from app.reporting.periods import Period, within
from app.reporting.tables import Column, ReportQuery, ReportTable
from scheduling.appointments.models import Appointment, AppointmentStatus
from scheduling.availability.models import TimeOff
from scheduling.reports.buckets import ends_reached, period_index, total_seconds
from scheduling.reports.common import hours, therapists_in_scope
from scheduling.slots.engine import Availability, Interval, MinuteRange
from scheduling.slots.inputs import availabilities
from scheduling.slots.open_hours import intersect, open_intervals

CASELOAD_WINDOW = timedelta(days=90)
RESERVED = (
    AppointmentStatus.BOOKED,
    AppointmentStatus.ARRIVED,
    AppointmentStatus.FULFILLED,
    AppointmentStatus.NOSHOW,
)
HELD = (AppointmentStatus.ARRIVED, AppointmentStatus.FULFILLED)
ACTIVE = (AppointmentStatus.BOOKED, AppointmentStatus.ARRIVED, AppointmentStatus.FULFILLED)
COLUMNS = (
    Column("period", "Period", "date"),
    Column("therapist_id", "Therapist id", "text"),
    Column("therapist_name", "Therapist", "text"),
    Column("available_hours", "Available hours", "hours"),
    Column("booked_hours", "Booked hours", "hours"),
    Column("fulfilled_hours", "Held hours", "hours"),
    Column("utilization", "Utilization (booked / available)", "ratio"),
    Column("open_hours", "Open hours left", "hours"),
    Column("caseload", "Caseload (clients in the period's last 90 days)", "count"),
    Column("max_caseload", "Maximum caseload", "count"),
)
PerPeriod = dict[uuid.UUID, list[float]]  # therapist -> one figure per period, in order
Pattern = tuple[str, tuple[tuple[int, tuple[MinuteRange, ...]], ...]]


def ratio(part: float, whole: float) -> float | None:
    """part / whole to four decimals; None without open time to divide by."""
    return round(part / whole, 4) if whole > 0 else None


def _bucket(intervals: list[Interval], periods: tuple[Period, ...]) -> dict[str, float]:
    """Seconds of the intervals falling in each period."""
    starts = [p.start for p in periods]
    seconds: dict[str, float] = defaultdict(float)
    for start, end in intervals:
        index = max(bisect.bisect_right(starts, start) - 1, 0)
        while index < len(periods) and periods[index].start < end:
            period = periods[index]
            overlap = min(end, period.end) - max(start, period.start)
            if overlap > timedelta(0):
                seconds[period.label] += overlap.total_seconds()
            index += 1
    return seconds


def _add(total: dict[str, float], seconds: dict[str, float], sign: int) -> None:
    for label, value in seconds.items():
        total[label] = total.get(label, 0.0) + sign * value


def _day_seconds(
    availability: Availability, day: date, periods: tuple[Period, ...]
) -> dict[str, float]:
    return _bucket(list(open_intervals(availability, day, day)), periods)


def _available(
    query: ReportQuery, therapists: list[TherapistProfile], *, session: Session
) -> PerPeriod:
    """Available seconds per therapist and period.

    Weekly hours are expanded once per (zone, weekly hours) pattern, which therapists often
    share; each therapist's date overrides and time off are then applied as corrections on the
    days they touch.
    """
    # Local days of the therapist that can reach into the clinic's window (zones differ by
    # up to 26 hours).
    first_day, last_day = query.start - timedelta(days=2), query.end + timedelta(days=1)
    spans = availabilities(therapists, session=session, start=first_day, end=last_day)
    time_off: dict[uuid.UUID, list[Interval]] = defaultdict(list)
    for therapist_id, starts, ends in session.execute(
        select(TimeOff.therapist_id, TimeOff.starts_at, TimeOff.ends_at).where(
            TimeOff.therapist_id.in_([t.id for t in therapists]),
            TimeOff.starts_at < query.periods[-1].end,
            TimeOff.ends_at > query.periods[0].start,
        )
    ):
        time_off[therapist_id].append((starts, ends))
    patterns: dict[
        tuple[str, tuple[tuple[int, tuple[MinuteRange, ...]], ...]], dict[str, float]
    ] = {}
    result: PerPeriod = {}
    for therapist in therapists:
        spans_of = spans[therapist.id]
        weekly_only = Availability(spans_of.timezone, spans_of.weekly, {})
        pattern = (
            spans_of.timezone,
            tuple(sorted((day, tuple(sorted(r))) for day, r in spans_of.weekly.items())),
        )
        if pattern not in patterns:
            patterns[pattern] = _bucket(
                list(open_intervals(weekly_only, first_day, last_day)), query.periods
            )
        seconds = dict(patterns[pattern])
        for day in spans_of.overrides:
            if first_day <= day <= last_day:
                _add(
                    seconds, _bucket(list(open_intervals(weekly_only, day, day)), query.periods), -1
                )
                _add(seconds, _bucket(list(open_intervals(spans_of, day, day)), query.periods), 1)
        holes = [
            (max(s, query.periods[0].start), min(e, query.periods[-1].end))
            for s, e in time_off[therapist.id]
        ]
        if holes:
            low = min(s for s, _ in holes).date() - timedelta(days=2)
            high = max(e for _, e in holes).date() + timedelta(days=2)
            touched = list(open_intervals(spans_of, low, high))
            _add(seconds, _bucket(intersect(touched, holes), query.periods), -1)
        result[therapist.id] = [seconds.get(p.label, 0.0) for p in query.periods]
    return result


def _of_therapists(query: ReportQuery, ids: list[uuid.UUID]) -> ColumnElement[bool]:
    """The therapists asked about; clinic-wide, every appointment of the clinic qualifies (no
    list of ids to test each row against) and rows of others are dropped in Python."""
    if query.therapist_id is not None:
        return Appointment.therapist_id == query.therapist_id
    return Appointment.therapist_id.is_not(None) if ids else false()


def _booked(
    query: ReportQuery, ids: list[uuid.UUID], *, session: Session
) -> tuple[PerPeriod, PerPeriod]:
    """Booked and held seconds per therapist and period.

    A session counts for its own length (ends_at - starts_at), not its session type's current
    duration, which may have changed since it was booked.
    """
    index = period_index(Appointment.starts_at, query.periods)
    held_until = case(
        (Appointment.status.in_(HELD), Appointment.ends_at), else_=Appointment.starts_at
    )
    statement = (
        select(
            index,
            Appointment.therapist_id,
            total_seconds(Appointment.ends_at, Appointment.starts_at),
            total_seconds(held_until, Appointment.starts_at),
        )
        .where(
            Appointment.clinic_id == query.clinic_id,
            within(Appointment.starts_at, query.periods),
            _of_therapists(query, ids),
            Appointment.status.in_(RESERVED),
        )
        .group_by(index, Appointment.therapist_id)
    )
    booked: PerPeriod = {}
    held: PerPeriod = {}
    for at, therapist_id, booked_seconds, held_seconds in session.execute(statement):
        if therapist_id not in booked:
            booked[therapist_id] = [0.0] * len(query.periods)
            held[therapist_id] = [0.0] * len(query.periods)
        booked[therapist_id][at] = float(booked_seconds or 0)
        held[therapist_id][at] = float(held_seconds or 0)
    return booked, held


def _caseloads(
    query: ReportQuery, ids: list[uuid.UUID], *, session: Session
) -> dict[uuid.UUID, list[int]]:
    """Distinct clients per (period, therapist) active in the 90 days before the period's end.

    A client counts for a period ending at E when one of their active appointments starts in
    [E - 90 days, E). An appointment at s stands for the ends in (s, min(s + 90 days, the
    client's next appointment with the therapist)], so one client's spans never overlap: each
    adds one from the period holding s up to (not including) the first period ending past
    the span. SQL counts the spans by those two periods; Python runs through the periods.
    """
    periods = query.periods
    ends = [p.end for p in periods]
    last = len(periods)
    visits = (
        select(
            Appointment.therapist_id.label("therapist_id"),
            ends_reached(Appointment.starts_at, ends).label("opens"),
            ends_reached(Appointment.starts_at, [e - CASELOAD_WINDOW for e in ends]).label(
                "lapses"
            ),
            func.lead(ends_reached(Appointment.starts_at, ends), 1, last)
            .over(
                partition_by=(Appointment.therapist_id, Appointment.client_id),
                order_by=Appointment.starts_at,
            )
            .label("followed"),
        )
        .where(
            Appointment.clinic_id == query.clinic_id,
            _of_therapists(query, ids),
            Appointment.status.in_(ACTIVE),
            Appointment.client_id.is_not(None),
            Appointment.starts_at >= periods[0].end - CASELOAD_WINDOW,
            Appointment.starts_at < periods[-1].end,
        )
        .subquery("visits")
    )
    spans = select(
        visits.c.therapist_id,
        visits.c.opens,
        case((visits.c.lapses < visits.c.followed, visits.c.lapses), else_=visits.c.followed).label(
            "closes"
        ),
    ).cte("spans")  # two readers: PostgreSQL computes it once
    real = spans.c.closes > spans.c.opens
    moves = union_all(
        select(spans.c.therapist_id, spans.c.opens.label("at"), func.count().label("step"))
        .where(real)
        .group_by(spans.c.therapist_id, spans.c.opens),
        select(spans.c.therapist_id, spans.c.closes, -func.count())
        .where(real, spans.c.closes < last)
        .group_by(spans.c.therapist_id, spans.c.closes),
    ).subquery("moves")
    statement = (
        select(moves.c.therapist_id, moves.c.at, func.sum(moves.c.step))
        .group_by(moves.c.therapist_id, moves.c.at)
        .having(func.sum(moves.c.step) != 0)
    )
    changes: dict[uuid.UUID, list[int]] = defaultdict(lambda: [0] * last)
    for therapist_id, at, step in session.execute(statement):
        changes[therapist_id][at] += int(step)
    return {therapist_id: list(accumulate(steps)) for therapist_id, steps in changes.items()}


def utilization(query: ReportQuery, *, session: Session) -> ReportTable:
    """Per period and therapist: available, booked and held hours, utilization, caseload."""
    therapists = therapists_in_scope(query, session=session)
    ids = [t.id for t in therapists]
    available = _available(query, therapists, session=session) if therapists else {}
    booked, held = _booked(query, ids, session=session) if ids else ({}, {})
    caseloads = _caseloads(query, ids, session=session) if ids else {}
    nothing = [0.0] * len(query.periods)
    columns = [
        (
            str(t.id),
            t.display_name,
            t.max_caseload,
            available.get(t.id, nothing),
            booked.get(t.id, nothing),
            held.get(t.id, nothing),
            caseloads.get(t.id, [0] * len(query.periods)),
        )
        for t in therapists
    ]
    rows: list[dict[str, object]] = []
    for index, period in enumerate(query.periods):
        for therapist_id, name, max_caseload, open_s, booked_s, held_s, caseload in columns:
            open_seconds, booked_seconds = open_s[index], booked_s[index]
            rows.append(
                {
                    "period": period.label,
                    "therapist_id": therapist_id,
                    "therapist_name": name,
                    "available_hours": hours(open_seconds),
                    "booked_hours": hours(booked_seconds),
                    "fulfilled_hours": hours(held_s[index]),
                    "utilization": ratio(booked_seconds, open_seconds),
                    "open_hours": hours(max(open_seconds - booked_seconds, 0.0)),
                    "caseload": caseload[index],
                    "max_caseload": max_caseload,
                }
            )
    return ReportTable("utilization", COLUMNS, rows)
