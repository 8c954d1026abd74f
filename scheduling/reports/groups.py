"""Fill rate and waitlist of group sessions."""

from __future__ import annotations

from sqlalchemy.orm import Session

from app.reporting.tables import ReportQuery, ReportTable


def group_fill(query: ReportQuery, *, session: Session) -> ReportTable:
    """Fill rate and waitlist of group sessions. (placeholder until built)."""
    return ReportTable("group_fill", (), [])
