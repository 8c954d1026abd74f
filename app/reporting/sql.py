"""SQL expressions reports need that dialects spell differently."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Float
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql._typing import _ColumnExpressionArgument
from sqlalchemy.sql.expression import FunctionElement


class days_between(FunctionElement[float]):  # noqa: N801 (reads like the SQL function it is)
    """(later - earlier) in days, as a float, for two timestamp expressions."""

    type = Float()
    inherit_cache = True
    name = "days_between"

    def __init__(
        self, later: _ColumnExpressionArgument[Any], earlier: _ColumnExpressionArgument[Any]
    ) -> None:
        super().__init__(later, earlier)


@compiles(days_between)
def _days_between_postgresql(element: days_between, compiler: Any, **kw: Any) -> str:
    later, earlier = list(element.clauses)
    return (
        f"(EXTRACT(EPOCH FROM ({compiler.process(later, **kw)} - "
        f"{compiler.process(earlier, **kw)})) / 86400.0)"
    )


@compiles(days_between, "sqlite")
def _days_between_sqlite(element: days_between, compiler: Any, **kw: Any) -> str:
    later, earlier = (compiler.process(clause, **kw) for clause in element.clauses)
    return f"(julianday({later}) - julianday({earlier}))"
