"""One page of a list: the rows asked for and the true number of rows that match."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

T = TypeVar("T")


@dataclass(frozen=True)
class PageRequest:
    """Which page (1-based) of how many rows."""

    page: int = 1
    page_size: int = 50

    @property
    def offset(self) -> int:
        """Rows before this page."""
        return (self.page - 1) * self.page_size


@dataclass(frozen=True)
class Page(Generic[T]):
    """The rows of one page, the page asked for, and how many rows match in all."""

    items: list[T]
    total: int
    page: int
    page_size: int


def paginate(session: Session, query: Select[Any], paging: PageRequest) -> Page[Any]:
    """Run an ordered query for one page and count every matching row.

    The query's ORDER BY must end with a unique column, so pages never overlap or skip rows.
    """
    total = session.scalar(select(func.count()).select_from(query.order_by(None).subquery()))
    rows = list(session.scalars(query.limit(paging.page_size).offset(paging.offset)))
    return Page(rows, total or 0, paging.page, paging.page_size)


def page_of(items: Sequence[T], paging: PageRequest) -> Page[T]:
    """One page of a list already in memory (short by nature: a client's cards, copays)."""
    chosen = list(items[paging.offset : paging.offset + paging.page_size])
    return Page(chosen, len(items), paging.page, paging.page_size)
