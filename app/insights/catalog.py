"""The clinic reports, by name: each is a query function living with the data it counts."""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy.orm import Session

from app.reporting.tables import ReportQuery, ReportTable
from billing.ledger.reports import revenue
from matching.reports.access import access_times
from matching.reports.crisis_response import crisis_response
from matching.reports.funnel import funnel
from scheduling.reports.attendance import attendance
from scheduling.reports.groups import group_fill
from scheduling.reports.openings import first_openings
from scheduling.reports.utilization import utilization

Report = Callable[..., ReportTable]

REPORTS: dict[str, Report] = {
    "utilization": utilization,
    "attendance": attendance,
    "revenue": revenue,
    "access": access_times,
    "openings": first_openings,
    "funnel": funnel,
    "groups": group_fill,
    "crisis_response": crisis_response,
}


def run(name: str, query: ReportQuery, *, session: Session) -> ReportTable:
    """Run the named report."""
    return REPORTS[name](query, session=session)
