"""jurisdictions as ISO 3166-2: the bare US state codes of earlier versions become US-xx

Revision ID: 0017
Revises: 0016
Create Date: 2026-11-22 23:40:00

"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0017"
down_revision: str | Sequence[str] | None = "0016"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# The vocabulary before this revision, frozen here: a migration never follows the code's lists.
US_STATE_CODES = [
    "AK",
    "AL",
    "AR",
    "AZ",
    "CA",
    "CO",
    "CT",
    "DC",
    "DE",
    "FL",
    "GA",
    "HI",
    "IA",
    "ID",
    "IL",
    "IN",
    "KS",
    "KY",
    "LA",
    "MA",
    "MD",
    "ME",
    "MI",
    "MN",
    "MO",
    "MS",
    "MT",
    "NC",
    "ND",
    "NE",
    "NH",
    "NJ",
    "NM",
    "NV",
    "NY",
    "OH",
    "OK",
    "OR",
    "PA",
    "RI",
    "SC",
    "SD",
    "TN",
    "TX",
    "UT",
    "VA",
    "VT",
    "WA",
    "WI",
    "WV",
    "WY",
]

COLUMNS = (
    ("client_profiles", "jurisdiction"),
    ("therapist_licenses", "jurisdiction"),
    ("intakes", "jurisdiction"),
    ("appointments", "client_located_in"),
)


def _rewrite(
    table: str, column: str, *, old: sa.ColumnElement[bool], new: sa.ColumnElement[str]
) -> None:
    target = sa.table(table, sa.column(column, sa.String(8)))
    op.execute(sa.update(target).where(old).values({column: new}))


def upgrade() -> None:
    """`CA` (California) becomes `US-CA`; every other value is already ISO."""
    for table, column in COLUMNS:
        value = sa.column(column, sa.String(8))
        _rewrite(
            table,
            column,
            old=value.in_(US_STATE_CODES),
            new=sa.literal("US-") + value,
        )


def downgrade() -> None:
    """`US-CA` becomes `CA` again; places outside the US stay as they are (no older spelling)."""
    for table, column in COLUMNS:
        value = sa.column(column, sa.String(8))
        _rewrite(
            table,
            column,
            old=value.in_([f"US-{code}" for code in US_STATE_CODES]),
            new=sa.func.substr(value, 4),
        )
