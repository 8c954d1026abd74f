"""Revenue per period and therapist: money received, refunded, fees owed, balances still open."""

from __future__ import annotations

import uuid
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


def _figures(
    query: ReportQuery, *, session: Session
) -> dict[tuple[str, uuid.UUID | None], Figures]:
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
    moved = {
        (label, t): (int(a), int(b), int(c), int(d))
        for label, t, a, b, c, d in session.execute(statement)
    }
    opening = dict(
        session.execute(
            select(LedgerEntry.therapist_id, func.sum(LedgerEntry.amount))
            .where(*scope, LedgerEntry.at < query.periods[0].start)
            .group_by(LedgerEntry.therapist_id)
        ).all()
    )
    owed = {therapist: int(amount or 0) for therapist, amount in opening.items()}
    result: dict[tuple[str, uuid.UUID | None], Figures] = {}
    for period in query.periods:
        for therapist in set(owed) | {t for label, t in moved if label == period.label}:
            received, refunded, fees, delta = moved.get((period.label, therapist), (0, 0, 0, 0))
            owed[therapist] = owed.get(therapist, 0) + delta
            result[(period.label, therapist)] = (received, refunded, fees, owed[therapist])
    return result


def revenue(query: ReportQuery, *, session: Session) -> ReportTable:
    """Per period: each therapist's money and the clinic's, in the clinic's currency."""
    figures = _figures(query, session=session)
    therapist_ids = {therapist for _, therapist in figures if therapist is not None}
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
        found = sorted(
            ((t, f) for (label, t), f in figures.items() if label == period.label and t),
            key=lambda item: names.get(item[0], ""),
        )
        for therapist_id, values in found:
            rows.append(_row(period.label, str(therapist_id), names[therapist_id], values))
        if query.therapist_id is None:
            every = [f for (label, _), f in figures.items() if label == period.label]
            totals = tuple(sum(f[i] for f in every) for i in range(4))
            rows.append(_row(period.label, None, CLINIC_ROW, totals))  # type: ignore[arg-type]
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
