"""How soon each therapist can see someone: the first open slot from now (ignores the window)."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy.orm import Session

from app.clock import utcnow
from app.reporting.tables import Column, ReportQuery, ReportTable
from scheduling.reports.common import hours, therapists_in_scope
from scheduling.slots.service import MAX_WINDOW, next_free_slots

COLUMNS = (
    Column("therapist_id", "Therapist id", "text"),
    Column("therapist_name", "Therapist", "text"),
    Column("first_open_at", "First open slot (UTC)", "text"),
    Column("hours_until_first_open", "Hours until the first open slot", "hours"),
)


def first_openings(query: ReportQuery, *, session: Session) -> ReportTable:
    """Each therapist's first bookable slot of their default session type, searched in one go."""
    now = utcnow()
    therapists = therapists_in_scope(query, session=session)
    horizon = now + min(MAX_WINDOW, timedelta(days=90))
    first = next_free_slots(
        therapists, session=session, start=now, end=horizon, per_therapist=1, now=now
    )
    rows: list[dict[str, object]] = []
    for therapist in therapists:
        slots = first.get(therapist.id) or []
        rows.append(
            {
                "therapist_id": str(therapist.id),
                "therapist_name": therapist.display_name,
                "first_open_at": slots[0].isoformat() if slots else None,
                "hours_until_first_open": hours((slots[0] - now).total_seconds())
                if slots
                else None,
            }
        )
    notes = [f"Searched up to {horizon.date().isoformat()}; none means no open slot by then."]
    return ReportTable("openings", COLUMNS, rows, notes=notes)
