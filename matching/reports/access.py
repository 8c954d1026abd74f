"""How long new clients wait from intake to a first booked and attended session."""

from __future__ import annotations

from sqlalchemy.orm import Session

from app.reporting.tables import ReportQuery, ReportTable


def access_times(query: ReportQuery, *, session: Session) -> ReportTable:
    """How long new clients wait from intake to a first booked and attended session. (placeholder until built)."""
    return ReportTable("access_times", (), [])
