"""How soon each therapist can see someone: the first open slot from now (ignores the window)."""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta

from sqlalchemy.orm import Session

from app.clock import iso_utc, utcnow
from app.reporting.tables import Column, ReportQuery, ReportTable
from scheduling.reports.common import hours, therapists_in_scope
from scheduling.session_types.service import default_session_types
from scheduling.slots.service import MAX_WINDOW, next_free_slots

COLUMNS = (
    Column("therapist_id", "Therapist id", "text"),
    Column("therapist_name", "Therapist", "text"),
    Column("first_open_at", "First open slot (UTC)", "text"),
    Column("hours_until_first_open", "Hours until the first open slot", "hours"),
)


def first_openings(query: ReportQuery, *, session: Session) -> ReportTable:
    """Each therapist's first bookable slot of their default session type, searched in one go.

    The slot service searches at most MAX_WINDOW at a time, so the search goes on window by
    window, for the therapists still without a slot whose booking horizon reaches further;
    each window is one batched search (a fixed few queries for every therapist at once).
    """
    now = utcnow()
    therapists = therapists_in_scope(query, session=session)
    types = default_session_types(therapists, session=session)
    reach = {
        t.id: now + timedelta(days=types[t.id].horizon_days) for t in therapists if t.id in types
    }
    found: dict[uuid.UUID, datetime] = {}
    start = now
    waiting = [t for t in therapists if t.id in reach]
    while waiting:
        end = min(start + MAX_WINDOW, max(reach[t.id] for t in waiting))
        first = next_free_slots(
            waiting, session=session, start=start, end=end, per_therapist=1, now=now
        )
        for therapist_id, slots in first.items():
            if slots:
                found[therapist_id] = slots[0]
        start = end
        waiting = [t for t in waiting if t.id not in found and reach[t.id] > start]
    rows: list[dict[str, object]] = []
    for therapist in therapists:
        slot = found.get(therapist.id)
        rows.append(
            {
                "therapist_id": str(therapist.id),
                "therapist_name": therapist.display_name,
                "first_open_at": iso_utc(slot) if slot else None,
                "hours_until_first_open": hours((slot - now).total_seconds()) if slot else None,
            }
        )
    notes = [
        "Searched within each therapist's booking horizon from now; none means no open slot "
        "of their first active session type by then (or no such session type)."
    ]
    return ReportTable("openings", COLUMNS, rows, notes=notes)
