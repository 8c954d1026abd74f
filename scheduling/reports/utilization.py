"""Available, booked and fulfilled hours per therapist per period."""

from __future__ import annotations

from sqlalchemy.orm import Session

from app.reporting.tables import ReportQuery, ReportTable


def utilization(query: ReportQuery, *, session: Session) -> ReportTable:
    """Available, booked and fulfilled hours per therapist per period. (placeholder until built)."""
    return ReportTable("utilization", (), [])
