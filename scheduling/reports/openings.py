"""Time from now to each therapist's first open slot."""

from __future__ import annotations

from sqlalchemy.orm import Session

from app.reporting.tables import ReportQuery, ReportTable


def first_openings(query: ReportQuery, *, session: Session) -> ReportTable:
    """Time from now to each therapist's first open slot. (placeholder until built)."""
    return ReportTable("first_openings", (), [])
