"""Captured, refunded, fees and open balances per period and therapist."""

from __future__ import annotations

from sqlalchemy.orm import Session

from app.reporting.tables import ReportQuery, ReportTable


def revenue(query: ReportQuery, *, session: Session) -> ReportTable:
    """Captured, refunded, fees and open balances per period and therapist. (placeholder until built)."""
    return ReportTable("revenue", (), [])
