"""How fast the clinic takes crisis alerts in hand: per period of raising, the time to
acknowledgement (median and 90th percentile, minutes) and how many were escalated or still open.

Alerts are few (one per high-risk intake and clinic), so SQL buckets them by period and the
percentiles are interpolated here the way PostgreSQL's `percentile_cont` does. Every period of
the window has a row, zeros included; an alert still open counts as open, not in the times.
"""

from __future__ import annotations

from collections import defaultdict

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.reporting.periods import period_of, within
from app.reporting.tables import Column, ReportQuery, ReportTable
from matching.crisis_alerts.models import CrisisAlert
from matching.reports.percentiles import interpolate, rounded

COLUMNS = (
    Column("period", "Period", "text"),
    Column("raised", "Alerts raised", "count"),
    Column("acknowledged", "Acknowledged", "count"),
    Column("open", "Still open", "count"),
    Column("escalated", "Escalated at least once", "count"),
    Column("minutes_to_acknowledge_median", "Minutes to acknowledgement (median)", "ratio"),
    Column("minutes_to_acknowledge_p90", "Minutes to acknowledgement (90th percentile)", "ratio"),
)


def crisis_response(query: ReportQuery, *, session: Session) -> ReportTable:
    """One row per period: alerts raised then, and how quickly they were acknowledged."""
    period = period_of(CrisisAlert.raised_at, query.periods)
    found = session.execute(
        select(
            period, CrisisAlert.raised_at, CrisisAlert.acknowledged_at, CrisisAlert.escalations
        ).where(
            CrisisAlert.clinic_id == query.clinic_id,
            within(CrisisAlert.raised_at, query.periods),
        )
    )
    waits: dict[str, list[float]] = defaultdict(list)
    counts: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for label, raised_at, acknowledged_at, escalations in found:
        counts[label]["raised"] += 1
        counts[label]["escalated"] += int(escalations > 0)
        if acknowledged_at is None:
            counts[label]["open"] += 1
        else:
            counts[label]["acknowledged"] += 1
            waits[label].append((acknowledged_at - raised_at).total_seconds() / 60)
    rows: list[dict[str, object]] = [
        {
            "period": span.label,
            "raised": counts[span.label]["raised"],
            "acknowledged": counts[span.label]["acknowledged"],
            "open": counts[span.label]["open"],
            "escalated": counts[span.label]["escalated"],
            "minutes_to_acknowledge_median": rounded(interpolate(waits[span.label], 0.5)),
            "minutes_to_acknowledge_p90": rounded(interpolate(waits[span.label], 0.9)),
        }
        for span in query.periods
    ]
    notes = []
    if query.therapist_id is not None:
        notes.append(
            "Crisis alerts belong to the clinic, not to a therapist: the filter is ignored."
        )
    return ReportTable("crisis_response", COLUMNS, rows, notes=notes)
