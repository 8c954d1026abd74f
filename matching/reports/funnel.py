"""Intakes to matches shown to bookings to first and third sessions; crisis alerts."""

from __future__ import annotations

from sqlalchemy.orm import Session

from app.reporting.tables import ReportQuery, ReportTable


def funnel(query: ReportQuery, *, session: Session) -> ReportTable:
    """Intakes to matches shown to bookings to first and third sessions; crisis alerts. (placeholder until built)."""
    return ReportTable("funnel", (), [])
