"""Available, booked and held hours per therapist per period, utilization and caseload.

Available hours come from each therapist's weekly hours, date overrides and time off, in the
therapist's own zone and DST-correct, cut at the clinic's period bounds; booked and held hours
and caseloads are SQL aggregates.
"""

from __future__ import annotations

import bisect
import uuid
from collections import defaultdict
from datetime import date, timedelta

from sqlalchemy import case, func, select
from sqlalchemy.orm import Session

from app.directory.models import TherapistProfile
from app.reporting.periods import Period, period_of, within
from app.reporting.tables import Column, ReportQuery, ReportTable
from scheduling.appointments.models import Appointment, AppointmentStatus
from scheduling.availability.models import TimeOff
from scheduling.reports.common import hours, rate, therapists_in_scope
from scheduling.session_types.models import SessionType
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
    Column("caseload", "Caseload (clients in the window's last 90 days)", "count"),
    Column("max_caseload", "Maximum caseload", "count"),
)
Key = tuple[str, uuid.UUID]
Pattern = tuple[str, tuple[tuple[int, tuple[MinuteRange, ...]], ...]]


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
) -> dict[Key, float]:
    """Available seconds per (period, therapist).

    Weekly hours are expanded once per (zone, weekly hours) pattern, which therapists often
    share; each therapist's date overrides and time off are then applied as corrections on the
    days they touch.
    """
    first_day, last_day = query.start - timedelta(days=1), query.end + timedelta(days=1)
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
    result: dict[Key, float] = {}
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
        for label, value in seconds.items():
            result[(label, therapist.id)] = value
    return result


def _booked(
    query: ReportQuery, ids: list[uuid.UUID], *, session: Session
) -> dict[Key, tuple[int, int]]:
    """Booked and held minutes per (period, therapist)."""
    period = period_of(Appointment.starts_at, query.periods)
    minutes = SessionType.duration_minutes
    statement = (
        select(
            period,
            Appointment.therapist_id,
            func.sum(minutes),
            func.sum(case((Appointment.status.in_(HELD), minutes), else_=0)),
        )
        .join(SessionType, SessionType.id == Appointment.session_type_id)
        .where(
            Appointment.clinic_id == query.clinic_id,
            within(Appointment.starts_at, query.periods),
            Appointment.therapist_id.in_(ids),
            Appointment.status.in_(RESERVED),
        )
        .group_by(period, Appointment.therapist_id)
    )
    return {
        (label, therapist): (int(booked or 0), int(held or 0))
        for label, therapist, booked, held in session.execute(statement)
    }


def _caseloads(
    query: ReportQuery, ids: list[uuid.UUID], *, session: Session
) -> dict[uuid.UUID, int]:
    """Distinct clients per therapist with an active appointment in the window's last 90 days."""
    until = query.periods[-1].end
    statement = (
        select(Appointment.therapist_id, func.count(Appointment.client_id.distinct()))
        .where(
            Appointment.clinic_id == query.clinic_id,
            Appointment.therapist_id.in_(ids),
            Appointment.status.in_(ACTIVE),
            Appointment.client_id.is_not(None),
            Appointment.starts_at >= until - CASELOAD_WINDOW,
            Appointment.starts_at < until,
        )
        .group_by(Appointment.therapist_id)
    )
    return {therapist: int(count) for therapist, count in session.execute(statement)}


def utilization(query: ReportQuery, *, session: Session) -> ReportTable:
    """Per period and therapist: available, booked and held hours, utilization, caseload."""
    therapists = therapists_in_scope(query, session=session)
    ids = [t.id for t in therapists]
    available = _available(query, therapists, session=session) if therapists else {}
    booked = _booked(query, ids, session=session) if ids else {}
    caseloads = _caseloads(query, ids, session=session) if ids else {}
    rows: list[dict[str, object]] = []
    for period in query.periods:
        for therapist in therapists:
            key = (period.label, therapist.id)
            open_seconds = available.get(key, 0.0)
            booked_minutes, held_minutes = booked.get(key, (0, 0))
            rows.append(
                {
                    "period": period.label,
                    "therapist_id": str(therapist.id),
                    "therapist_name": therapist.display_name,
                    "available_hours": hours(open_seconds),
                    "booked_hours": hours(booked_minutes * 60),
                    "fulfilled_hours": hours(held_minutes * 60),
                    "utilization": rate(booked_minutes * 60, int(open_seconds)),
                    "open_hours": hours(max(open_seconds - booked_minutes * 60, 0)),
                    "caseload": caseloads.get(therapist.id, 0),
                    "max_caseload": therapist.max_caseload,
                }
            )
    return ReportTable("utilization", COLUMNS, rows)
