"""What a report query receives (the window) and returns (a table of aggregates)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import date
from typing import Literal

from app.reporting.periods import Granularity, Period

ColumnKind = Literal["text", "date", "count", "hours", "ratio", "minutes", "money"]
SMALL_COUNT = 5
SUPPRESSED = "<5"


@dataclass(frozen=True)
class ReportQuery:
    """One clinic's window: local dates [start, end) cut into periods, maybe one therapist."""

    clinic_id: uuid.UUID
    timezone: str
    start: date
    end: date
    granularity: Granularity
    periods: tuple[Period, ...]
    therapist_id: uuid.UUID | None = None


@dataclass(frozen=True)
class Column:
    """A column: machine name, label for people, kind; breakdowns of health data hide 1-4."""

    name: str
    label: str
    kind: ColumnKind
    small_counts_hidden: bool = False


@dataclass
class ReportTable:
    """Rows of aggregates (never a client's name), in the columns' order."""

    name: str
    columns: tuple[Column, ...]
    rows: list[dict[str, object]]
    currency: str | None = None
    notes: list[str] = field(default_factory=list)


def hide_small_counts(table: ReportTable) -> ReportTable:
    """Counts of 1 to 4 in health-data breakdowns become "<5" (0 stays: it identifies nobody)."""
    hidden = [c.name for c in table.columns if c.small_counts_hidden]
    rows = [
        {
            key: SUPPRESSED
            if key in hidden and isinstance(value, int) and 0 < value < SMALL_COUNT
            else value
            for key, value in row.items()
        }
        for row in table.rows
    ]
    return ReportTable(table.name, table.columns, rows, table.currency, table.notes)
