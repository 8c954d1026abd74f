"""Revenue per period and therapist: money received, refunded, fees owed, balances still open."""

from __future__ import annotations

import uuid
from collections import defaultdict
from typing import Any

from sqlalchemy import case, func, select
from sqlalchemy.orm import Session

from app.directory.models import TherapistProfile
from app.reporting.periods import period_of, within
from app.reporting.tables import Column, ReportQuery, ReportTable
from billing.ledger.models import EntryKind, LedgerEntry
from billing.pricing.service import billing_policy

CLINIC_ROW = "All therapists"
COLUMNS = (
    Column("period", "Period", "date"),
    Column("therapist_id", "Therapist id", "text"),
    Column("therapist_name", "Therapist", "text"),
    Column("captured", "Received", "money"),
    Column("refunded", "Refunded", "money"),
    Column("fees", "Fees charged", "money"),
    Column("net", "Net (received - refunded)", "money"),
    Column("open_balances", "Owed at the period's end", "money"),
)
Figures = tuple[int, int, int, int]


def _figures(query: ReportQuery, *, session: Session) -> dict[str, dict[uuid.UUID | None, Figures]]:
    """(period, therapist) -> received, refunded and fees in the period, and owed at its end.

    What is owed at a period's end is the balance before the first period plus the running sum
    of each period's movements (all kinds): SQL sums each period once, Python only adds up the
    per-period sums.
    """
    bucket = period_of(LedgerEntry.at, query.periods)
    scope = [LedgerEntry.clinic_id == query.clinic_id]
    if query.therapist_id is not None:
        scope.append(LedgerEntry.therapist_id == query.therapist_id)

    def total_of(kind: EntryKind, sign: int) -> Any:
        return func.sum(case((LedgerEntry.kind == kind, sign * LedgerEntry.amount), else_=0))

    statement = (
        select(
            bucket,
            LedgerEntry.therapist_id,
            total_of(EntryKind.PAYMENT, -1),
            total_of(EntryKind.REFUND, 1),
            total_of(EntryKind.FEE, 1),
            func.sum(LedgerEntry.amount),
        )
        .where(*scope, within(LedgerEntry.at, query.periods))
        .group_by(bucket, LedgerEntry.therapist_id)
    )
    moved: dict[str, dict[uuid.UUID | None, Figures]] = defaultdict(dict)
    for label, therapist, received, refunded, fees, delta in session.execute(statement):
        moved[label][therapist] = (int(received), int(refunded), int(fees), int(delta))
    opening = session.execute(
        select(LedgerEntry.therapist_id, func.sum(LedgerEntry.amount))
        .where(*scope, LedgerEntry.at < query.periods[0].start)
        .group_by(LedgerEntry.therapist_id)
    ).all()
    owed: dict[uuid.UUID | None, int] = {therapist: int(total or 0) for therapist, total in opening}
    result: dict[str, dict[uuid.UUID | None, Figures]] = {}
    for period in query.periods:
        this_period = moved.get(period.label, {})
        result[period.label] = {}
        for therapist in owed.keys() | this_period.keys():
            received, refunded, fees, delta = this_period.get(therapist, (0, 0, 0, 0))
            owed[therapist] = owed.get(therapist, 0) + delta
            result[period.label][therapist] = (received, refunded, fees, owed[therapist])
    return result


def revenue(query: ReportQuery, *, session: Session) -> ReportTable:
    """Per period: each therapist's money and the clinic's, in the clinic's currency."""
    figures = _figures(query, session=session)
    therapist_ids = {t for per_period in figures.values() for t in per_period if t is not None}
    names = {
        row.id: row.display_name
        for row in session.execute(
            select(TherapistProfile.id, TherapistProfile.display_name).where(
                TherapistProfile.id.in_(therapist_ids)
            )
        )
    }
    rows: list[dict[str, object]] = []
    for period in query.periods:
        this_period = figures[period.label]
        found = sorted(
            ((t, f) for t, f in this_period.items() if t is not None),
            key=lambda item: names.get(item[0], ""),
        )
        for therapist_id, values in found:
            rows.append(_row(period.label, str(therapist_id), names[therapist_id], values))
        if query.therapist_id is None:
            every = this_period.values()
            totals = (
                sum(f[0] for f in every),
                sum(f[1] for f in every),
                sum(f[2] for f in every),
                sum(f[3] for f in every),
            )
            rows.append(_row(period.label, None, CLINIC_ROW, totals))
    return ReportTable(
        "revenue", COLUMNS, rows, currency=billing_policy(query.clinic_id, session=session).currency
    )


def _row(period: str, therapist_id: str | None, name: str, values: Figures) -> dict[str, object]:
    received, refunded, fees, owed = values
    return {
        "period": period,
        "therapist_id": therapist_id,
        "therapist_name": name,
        "captured": received,
        "refunded": refunded,
        "fees": fees,
        "net": received - refunded,
        "open_balances": owed,
    }
