"""The care funnel: intakes shown the clinic, bookings within 14 days, first and third sessions.

Steps (each counted once per intake; `therapist_id` narrows exposures and appointments to one
therapist):

- intakes: intakes created in the window whose matches showed (MatchExposure) at least one of
  the clinic's therapists;
- booked_within_14_days: their client created a one-to-one appointment with the clinic within
  14 days after the intake (any later status);
- attended_first / attended_three: at least one / three fulfilled sessions with the clinic
  from appointments created after the intake (no time limit, so a late booking that was held
  counts here although not in the step before);
- crisis_intakes: those intakes with a crisis signal (high_risk: PHQ-9 item 9 > 0, or an
  explicit risk answer); its rate is the share of all intakes;
- alert_minutes_median: minutes from the crisis alert (outbox topic `alert.crisis_intake`)
  being queued (created_at) to the worker delivering it (sent_at), median over the crisis
  intakes above whose alert was delivered. The alert is tied to its intake by the dedupe key
  `crisis-intake:<intake id>`; an alert whose intake is not among them (another clinic's, or an
  intake erased since) is never counted, and undelivered alerts are reported in the notes.

Counts are outcome breakdowns, so the API shows 1 to 4 as "<5" (the minutes are not a count
and stay as they are). Everything is aggregated in SQL; the median is `percentile_cont` on
PostgreSQL and, on SQLite, interpolated over the one-value-per-alert rows SQL returns.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from sqlalchemy import (
    ColumnElement,
    String,
    and_,
    case,
    cast,
    exists,
    func,
    literal,
    or_,
    select,
    type_coerce,
)
from sqlalchemy.orm import Session

from app.directory.models import TherapistProfile
from app.outbox.models import OutboxMessage
from app.reporting.sql import days_between
from app.reporting.tables import Column, ReportQuery, ReportTable
from matching.intake.alerts import CRISIS_INTAKE
from matching.intake.models import Intake
from matching.matches.models import MatchExposure
from matching.reports.percentiles import interpolate, native, percentile_sql, rounded
from scheduling.appointments.models import Appointment, AppointmentKind, AppointmentStatus

BOOKING_WINDOW = timedelta(days=14)
ALERT_KEY_PREFIX = "crisis-intake:"  # queue_crisis_alert's dedupe key, before the intake id
_UUID_GROUPS = ((1, 8), (9, 4), (13, 4), (17, 4), (21, 12))
# PHQ-9 item 9 > 0 (high_risk) or an explicit risk answer: the intake's crisis signal.
_CRISIS = or_(Intake.high_risk.is_(True), Intake.reports_risk.is_(True))
COLUMNS = (
    Column("step", "Step", "text"),
    Column("label", "What", "text"),
    Column("count", "Count", "count", small_counts_hidden=True),
    Column("rate_from_previous", "Share of the step before", "ratio"),
)
STEPS = (
    ("intakes", "Intakes shown this clinic's therapists"),
    ("booked_within_14_days", "Booked within 14 days"),
    ("attended_first", "Attended a first session"),
    ("attended_three", "Attended three sessions"),
)


def _with_clinic(query: ReportQuery) -> list[Any]:
    conditions = [
        Appointment.clinic_id == query.clinic_id,
        Appointment.kind == AppointmentKind.INDIVIDUAL,
        Appointment.client_id == Intake.client_id,
        Appointment.created_at >= Intake.created_at,
    ]
    if query.therapist_id is not None:
        conditions.append(Appointment.therapist_id == query.therapist_id)
    return conditions


def _shown(query: ReportQuery) -> list[Any]:
    """Intakes in the window whose matches showed the clinic's (or the one) therapists."""
    exposed_to = select(TherapistProfile.id).where(TherapistProfile.clinic_id == query.clinic_id)
    if query.therapist_id is not None:
        exposed_to = exposed_to.where(TherapistProfile.id == query.therapist_id)
    return [
        Intake.created_at >= query.periods[0].start,
        Intake.created_at < query.periods[-1].end,
        exists().where(
            MatchExposure.intake_id == Intake.id, MatchExposure.therapist_id.in_(exposed_to)
        ),
    ]


def _counts(query: ReportQuery, *, session: Session) -> list[int]:
    """The four step counts and the crisis intakes among the first step."""
    # One row per intake: did the client book with the clinic within 14 days, how many sessions
    # were held after it (a join grouped by intake, so the appointments are read once).
    recent = days_between(Appointment.created_at, Intake.created_at) < BOOKING_WINDOW.days
    per_intake = (
        select(
            Intake.id,
            func.max(case((recent, 1), else_=0)).label("booked"),
            func.sum(case((Appointment.status == AppointmentStatus.FULFILLED, 1), else_=0)).label(
                "held"
            ),
            func.max(case((_CRISIS, 1), else_=0)).label("crisis"),
        )
        .select_from(Intake)
        .outerjoin(Appointment, and_(*_with_clinic(query)))
        .where(*_shown(query))
        .group_by(Intake.id)
        .subquery("per_intake")
    )
    held = func.coalesce(per_intake.c.held, 0)
    statement = select(
        func.count(),
        func.sum(per_intake.c.booked),
        func.sum(case((held >= 1, 1), else_=0)),
        func.sum(case((held >= 3, 1), else_=0)),
        func.sum(per_intake.c.crisis),
    )
    return [int(value or 0) for value in session.execute(statement).one()]


def _uuid_text(column: ColumnElement[Any], *, session: Session) -> ColumnElement[str]:
    """SQL: a UUID column as `str(uuid)` spells it (SQLite stores the 32 hex digits only)."""
    if session.get_bind().dialect.name == "postgresql":
        return cast(column, String)
    digits = type_coerce(column, String)
    parts = [func.substr(digits, start, length) for start, length in _UUID_GROUPS]
    text: ColumnElement[str] = parts[0]
    for part in parts[1:]:
        text = text + "-" + part
    return text


def _alerts(query: ReportQuery, *, session: Session) -> tuple[int, int, float | None]:
    """Crisis intakes shown the clinic: alerts found, delivered, median minutes to delivery.

    An alert is tied to its intake by the outbox dedupe key `crisis-intake:<intake id>` that
    `queue_crisis_alert` sets (unique, so the lookup is an index probe per crisis intake).
    """
    crisis = select(Intake.id).where(*_shown(query), _CRISIS).subquery("crisis")
    minutes = (days_between(OutboxMessage.sent_at, OutboxMessage.created_at) * 1440.0).label(
        "minutes"
    )
    alerts = (
        select(OutboxMessage.id, OutboxMessage.sent_at, minutes)
        .join(
            crisis,
            OutboxMessage.dedupe_key
            == literal(ALERT_KEY_PREFIX, String) + _uuid_text(crisis.c.id, session=session),
        )
        .where(OutboxMessage.topic == CRISIS_INTAKE)
        .subquery("alerts")
    )
    delivered = alerts.c.sent_at.is_not(None)
    if native(session):
        found, sent, median = session.execute(
            select(
                func.count(),
                func.count(alerts.c.sent_at),
                percentile_sql(0.5, case((delivered, alerts.c.minutes))),
            )
        ).one()
        return int(found), int(sent), rounded(median, 1)
    # SQLite: no percentile_cont; the per-alert minutes (one row per crisis intake) SQL
    # reduced are interpolated the same way here.
    rows = session.execute(select(alerts.c.sent_at, alerts.c.minutes)).all()
    values = [float(m) for sent_at, m in rows if sent_at is not None and m is not None]
    return len(rows), len(values), rounded(interpolate(values, 0.5), 1)


def funnel(query: ReportQuery, *, session: Session) -> ReportTable:
    """The steps with counts and the share kept from the step before; then crisis figures."""
    *counts, crisis = _counts(query, session=session)
    rows: list[dict[str, object]] = []
    previous: int | None = None
    for (step, label), count in zip(STEPS, counts, strict=True):
        kept = round(count / previous, 4) if previous else None
        rows.append({"step": step, "label": label, "count": count, "rate_from_previous": kept})
        previous = count
    rows.append(
        {
            "step": "crisis_intakes",
            "label": "Crisis intakes among them (share of all intakes)",
            "count": crisis,
            "rate_from_previous": round(crisis / counts[0], 4) if counts[0] else None,
        }
    )
    found, sent, median = _alerts(query, session=session) if crisis else (0, 0, None)
    rows.append(
        {
            "step": "alert_minutes_median",
            "label": "Minutes from a crisis alert being queued to its delivery (median)",
            "count": median,
            "rate_from_previous": None,
        }
    )
    notes = [
        f"Crisis alerts: {crisis} crisis intakes, {found} alerts found for them, {sent} "
        "delivered; the median counts delivered alerts only (queued -> sent by the outbox "
        "worker; the admins' emails are separate messages).",
    ]
    if found < crisis:
        notes.append(
            "An intake without an alert message: it was never queued (no clinic licensed in the "
            "client's jurisdiction, or older than alerts) or its message was removed."
        )
    return ReportTable("funnel", COLUMNS, rows, notes=notes)
