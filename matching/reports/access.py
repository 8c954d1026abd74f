"""How long new clients wait: from their intake to a first booking and a first held session.

Definitions (one row per therapist, and one for the clinic):

- A *new client* is a client whose first one-to-one appointment with this clinic (the earliest
  `created_at` of any of their appointments here, whatever became of it) was created inside
  the window. They are counted once, on the row of the therapist that first appointment was
  with (ties at the same instant: the lowest appointment id), and once on the clinic's row.
  With `therapist_id`, only the new clients whose first appointment was with that therapist.
- *Days to first booking*: from the client's latest intake at or before that first booking to
  the booking's creation.
- *Days to first attended*: from the same intake to the start of the client's first fulfilled
  session with the clinic (with any of its therapists); clients without one are left out.
- A new client without an earlier intake counts as new but has no wait (left out of both).

SQL reduces the appointments to one row per new client; PostgreSQL then takes the median and
90th percentile with `percentile_cont` (linear interpolation) grouped by ROLLUP (therapist
rows and the clinic row in one pass). SQLite has no ordered-set aggregates: there the
per-client waits SQL already reduced are read and interpolated with the same formula.
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from typing import Any

from sqlalchemy import Float, Subquery, case, cast, func, select
from sqlalchemy.orm import Session

from app.directory.models import TherapistProfile
from app.reporting.sql import days_between
from app.reporting.tables import Column, ReportQuery, ReportTable
from matching.intake.models import Intake
from matching.reports.percentiles import interpolate, native, percentile_sql, rounded
from scheduling.appointments.models import Appointment, AppointmentKind, AppointmentStatus

CLINIC_ROW = "All therapists"
COLUMNS = (
    Column("therapist_id", "Therapist id", "text"),
    Column("therapist_name", "Therapist", "text"),
    Column("new_clients", "New clients", "count"),
    Column("days_to_first_booking_median", "Days from intake to booking (median)", "ratio"),
    Column("days_to_first_booking_p90", "Days from intake to booking (90th percentile)", "ratio"),
    Column("days_to_first_attended_median", "Days from intake to first session (median)", "ratio"),
    Column("days_to_first_attended_p90", "Days from intake to first session (90th pct)", "ratio"),
)
FRACTIONS = (0.5, 0.9)
Figures = tuple[int, float | None, float | None, float | None, float | None]


def _new_clients(query: ReportQuery) -> Subquery:
    """One row per new client: therapist of the first booking, days to it and to a first session."""
    scope = (
        Appointment.clinic_id == query.clinic_id,
        Appointment.kind == AppointmentKind.INDIVIDUAL,
        Appointment.client_id.is_not(None),
    )
    first_booked = func.min(Appointment.created_at)
    firsts = (
        select(
            Appointment.client_id,
            first_booked.label("first_booked"),
            func.min(
                case((Appointment.status == AppointmentStatus.FULFILLED, Appointment.starts_at))
            ).label("first_held"),
        )
        .where(*scope)
        .group_by(Appointment.client_id)
        .having(first_booked >= query.periods[0].start, first_booked < query.periods[-1].end)
        .subquery("firsts")
    )
    # Both lookups are per new client only, through indexes on (client_id, ...).
    first_therapist = (
        select(Appointment.therapist_id)
        .where(
            *scope,
            Appointment.client_id == firsts.c.client_id,
            Appointment.created_at == firsts.c.first_booked,
        )
        .order_by(Appointment.id)
        .limit(1)
        .scalar_subquery()
    )
    latest_intake = (
        select(func.max(Intake.created_at))
        .where(
            Intake.client_id == firsts.c.client_id,
            Intake.created_at <= firsts.c.first_booked,
        )
        .scalar_subquery()
    )
    reduced = select(
        first_therapist.label("therapist_id"),
        firsts.c.first_booked,
        firsts.c.first_held,
        latest_intake.label("intake_at"),
    ).subquery("reduced")
    waits = select(
        reduced.c.therapist_id,
        cast(days_between(reduced.c.first_booked, reduced.c.intake_at), Float).label("booking"),
        cast(days_between(reduced.c.first_held, reduced.c.intake_at), Float).label("attended"),
    )
    if query.therapist_id is not None:
        waits = waits.where(reduced.c.therapist_id == query.therapist_id)
    return waits.subquery("waits")


def _figures_postgresql(waits: Subquery, *, session: Session) -> dict[uuid.UUID | None, Figures]:
    """Per therapist and (key None) for the clinic, in one ROLLUP pass."""
    statement = select(
        func.grouping(waits.c.therapist_id),
        waits.c.therapist_id,
        func.count(),
        *(percentile_sql(f, waits.c.booking) for f in FRACTIONS),
        *(percentile_sql(f, waits.c.attended) for f in FRACTIONS),
    ).group_by(func.rollup(waits.c.therapist_id))
    result: dict[uuid.UUID | None, Figures] = {}
    for rolled_up, therapist_id, count, *values in session.execute(statement):
        key = None if rolled_up else therapist_id
        result[key] = (int(count), *(rounded(v) for v in values))  # type: ignore[assignment]
    return result


def _figures_sqlite(waits: Subquery, *, session: Session) -> dict[uuid.UUID | None, Figures]:
    """The same figures on SQLite: percentiles interpolated over the per-client rows SQL reduced."""
    groups: dict[uuid.UUID | None, list[tuple[Any, Any]]] = defaultdict(list)
    for therapist_id, booking, attended in session.execute(select(waits)):
        groups[therapist_id].append((booking, attended))
        groups[None].append((booking, attended))

    def figures(pairs: list[tuple[Any, Any]]) -> Figures:
        booking = [float(b) for b, _ in pairs if b is not None]
        attended = [float(a) for _, a in pairs if a is not None]
        return (
            len(pairs),
            *(rounded(interpolate(booking, f)) for f in FRACTIONS),
            *(rounded(interpolate(attended, f)) for f in FRACTIONS),
        )  # type: ignore[return-value]

    return {key: figures(pairs) for key, pairs in groups.items()}


def access_times(query: ReportQuery, *, session: Session) -> ReportTable:
    """Per therapist, and for the clinic: new clients and their waits in days."""
    waits = _new_clients(query)
    if native(session):
        figures = _figures_postgresql(waits, session=session)
    else:
        figures = _figures_sqlite(waits, session=session)
    clinic = figures.pop(None, (0, None, None, None, None))
    if query.therapist_id is not None:
        figures.setdefault(query.therapist_id, (0, None, None, None, None))
    found = session.execute(
        select(TherapistProfile.id, TherapistProfile.display_name).where(
            TherapistProfile.id.in_(list(figures)),
            TherapistProfile.clinic_id == query.clinic_id,
        )
    )
    names: dict[uuid.UUID | None, str] = {row.id: row.display_name for row in found}
    rows = [
        _row(str(therapist_id), names.get(therapist_id, ""), values)
        for therapist_id, values in sorted(
            figures.items(), key=lambda item: (names.get(item[0], ""), str(item[0]))
        )
    ]
    if query.therapist_id is None:
        rows.append(_row(None, CLINIC_ROW, clinic))
    return ReportTable(
        "access",
        COLUMNS,
        rows,
        notes=[
            "New clients: first appointment with the clinic created in the window, counted on "
            "the row of the therapist it was with. Waits run from the client's latest intake "
            "before that booking; clients without an intake have no wait."
        ],
    )


def _row(therapist_id: str | None, name: str, values: Figures) -> dict[str, object]:
    count, booking_median, booking_p90, attended_median, attended_p90 = values
    return {
        "therapist_id": therapist_id,
        "therapist_name": name,
        "new_clients": count,
        "days_to_first_booking_median": booking_median,
        "days_to_first_booking_p90": booking_p90,
        "days_to_first_attended_median": attended_median,
        "days_to_first_attended_p90": attended_p90,
    }
