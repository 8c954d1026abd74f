"""Re-encrypt every stored encrypted value under the newest field key, in resumable batches.

Encrypted columns are found by convention: every column whose name ends in `_encrypted` holds a
Fernet token (a test keeps binary columns to that convention). Each batch commits on its own and
values already readable with the newest key alone are skipped, so an interrupted run is simply
run again: it finishes the rest, and a run with nothing left changes nothing.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

from sqlalchemy import Column, Engine, MetaData, Table, func, select, update

from app.encryption import FieldCipher

SUFFIX = "_encrypted"


@dataclass
class ColumnReport:
    """What happened to one encrypted column."""

    rotated: int = 0
    current: int = 0
    unreadable: list[str] = field(default_factory=list)  # primary keys, for the operator


def encrypted_columns(metadata: MetaData) -> Iterator[tuple[Table, Column[bytes]]]:
    """Every (table, column) holding encrypted values, in a stable order."""
    for table in metadata.sorted_tables:
        for column in table.columns:
            if column.name.endswith(SUFFIX):
                yield table, column


def values_to_visit(engine: Engine, metadata: MetaData) -> int:
    """How many stored encrypted values exist (the progress bar's length)."""
    with engine.connect() as connection:
        return sum(
            connection.scalar(select(func.count()).where(column.is_not(None))) or 0
            for _, column in encrypted_columns(metadata)
        )


def rotate_all(
    engine: Engine,
    metadata: MetaData,
    cipher: FieldCipher,
    *,
    batch_size: int = 500,
    advance: Callable[[int], None] = lambda _: None,
) -> dict[str, ColumnReport]:
    """Rotate every encrypted column; `advance(n)` is told as each batch is done."""
    return {
        f"{table.name}.{column.name}": rotate_column(
            engine, table, column, cipher, batch_size=batch_size, advance=advance
        )
        for table, column in encrypted_columns(metadata)
    }


def rotate_column(
    engine: Engine,
    table: Table,
    column: Column[bytes],
    cipher: FieldCipher,
    *,
    batch_size: int,
    advance: Callable[[int], None],
) -> ColumnReport:
    """Walk the column in primary-key order, one committed transaction per batch."""
    [key] = table.primary_key.columns  # every table here has a one-column primary key
    report, after = ColumnReport(), None
    while True:
        query = select(key, column).where(column.is_not(None)).order_by(key).limit(batch_size)
        if after is not None:
            query = query.where(key > after)
        with engine.begin() as connection:
            rows = connection.execute(query).all()
            for row_key, token in rows:
                if cipher.is_current(token):
                    report.current += 1
                    continue
                try:
                    fresh = cipher.rotate(token)
                except ValueError:
                    report.unreadable.append(str(row_key))
                    continue
                connection.execute(  # compare-and-set: a value changed meanwhile is left
                    update(table).where(key == row_key, column == token).values({column: fresh})
                )
                report.rotated += 1
        advance(len(rows))
        if len(rows) < batch_size:
            return report
        after = rows[-1][0]
