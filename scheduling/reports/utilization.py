"""Available, booked and held hours per therapist per period, utilization and caseload.

Available hours come from each therapist's weekly hours, date overrides and time off, in the
therapist's own zone and DST-correct, cut at the clinic's period bounds; booked and held hours
and caseloads are SQL aggregates.
"""

from __future__ import annotations

import bisect
import uuid
from collections import defaultdict
from datetime import timedelta

from sqlalchemy import String, and_, case, func, literal, select, union_all
from sqlalchemy.orm import Session

from app.db.base import UTCDateTime
from app.directory.models import TherapistProfile
from app.reporting.periods import Period, periods_table
from app.reporting.tables import Column, ReportQuery, ReportTable
from scheduling.appointments.models import Appointment, AppointmentStatus
from scheduling.availability.models import TimeOff
from scheduling.reports.common import hours, rate, therapists_in_scope
from scheduling.session_types.models import SessionType
from scheduling.slots.engine import Interval
from scheduling.slots.inputs import availabilities
from scheduling.slots.open_hours import open_intervals, subtract

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
    Column("caseload", "Caseload (clients seen or booked in 90 days)", "count"),
    Column("max_caseload", "Maximum caseload", "count"),
)
Key = tuple[str, uuid.UUID]


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


def _available(
    query: ReportQuery, therapists: list[TherapistProfile], *, session: Session
) -> dict[Key, float]:
    """Available seconds per (period, therapist)."""
    first, last = query.periods[0].start, query.periods[-1].end
    spans = availabilities(
        therapists,
        session=session,
        start=query.start - timedelta(days=2),
        end=query.end + timedelta(days=2),
    )
    time_off: dict[uuid.UUID, list[Interval]] = defaultdict(list)
    for therapist_id, starts, ends in session.execute(
        select(TimeOff.therapist_id, TimeOff.starts_at, TimeOff.ends_at).where(
            TimeOff.therapist_id.in_([t.id for t in therapists]),
            TimeOff.starts_at < last,
            TimeOff.ends_at > first,
        )
    ):
        time_off[therapist_id].append((starts, ends))
    result: dict[Key, float] = {}
    for therapist in therapists:
        opened = open_intervals(
            spans[therapist.id], query.start - timedelta(days=1), query.end + timedelta(days=1)
        )
        free = subtract(list(opened), time_off[therapist.id])
        for label, seconds in _bucket(free, query.periods).items():
            result[(label, therapist.id)] = seconds
    return result


def _booked(
    query: ReportQuery, ids: list[uuid.UUID], *, session: Session
) -> dict[Key, tuple[int, int]]:
    """Booked and held minutes per (period, therapist)."""
    periods = periods_table(query.periods)
    minutes = SessionType.duration_minutes
    statement = (
        select(
            periods.c.label,
            Appointment.therapist_id,
            func.sum(minutes),
            func.sum(case((Appointment.status.in_(HELD), minutes), else_=0)),
        )
        .join(
            Appointment,
            and_(Appointment.starts_at >= periods.c.starts, Appointment.starts_at < periods.c.ends),
        )
        .join(SessionType, SessionType.id == Appointment.session_type_id)
        .where(
            Appointment.clinic_id == query.clinic_id,
            Appointment.therapist_id.in_(ids),
            Appointment.status.in_(RESERVED),
        )
        .group_by(periods.c.label, Appointment.therapist_id)
    )
    return {
        (label, tid): (int(b or 0), int(h or 0)) for label, tid, b, h in session.execute(statement)
    }


def _caseloads(query: ReportQuery, ids: list[uuid.UUID], *, session: Session) -> dict[Key, int]:
    """Distinct clients with an active appointment in the 90 days before each period's end."""
    windows = union_all(
        *(
            select(
                literal(p.label, String(10)).label("label"),
                literal(p.end - CASELOAD_WINDOW, UTCDateTime()).label("since"),
                literal(p.end, UTCDateTime()).label("until"),
            )
            for p in query.periods
        )
    ).subquery("caseload_windows")
    statement = (
        select(
            windows.c.label, Appointment.therapist_id, func.count(Appointment.client_id.distinct())
        )
        .join(
            Appointment,
            and_(Appointment.starts_at >= windows.c.since, Appointment.starts_at < windows.c.until),
        )
        .where(
            Appointment.clinic_id == query.clinic_id,
            Appointment.therapist_id.in_(ids),
            Appointment.status.in_(ACTIVE),
            Appointment.client_id.is_not(None),
        )
        .group_by(windows.c.label, Appointment.therapist_id)
    )
    return {(label, tid): int(count) for label, tid, count in session.execute(statement)}


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
                    "caseload": caseloads.get(key, 0),
                    "max_caseload": therapist.max_caseload,
                }
            )
    return ReportTable("utilization", COLUMNS, rows)
