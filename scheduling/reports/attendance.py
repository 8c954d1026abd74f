"""Fulfilled, cancelled, late-cancelled and missed sessions, with rates."""

from __future__ import annotations

from sqlalchemy.orm import Session

from app.reporting.tables import ReportQuery, ReportTable


def attendance(query: ReportQuery, *, session: Session) -> ReportTable:
    """Fulfilled, cancelled, late-cancelled and missed sessions, with rates. (placeholder until built)."""
    return ReportTable("attendance", (), [])
