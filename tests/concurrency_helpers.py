"""Helpers for tests against committed data: wiping it, and starting tasks at one moment."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

from sqlalchemy import Engine

from migrations.metadata import metadata


def wipe(engine: Engine) -> None:
    """Delete every row the test committed."""
    with engine.begin() as conn:
        for table in reversed(metadata.sorted_tables):
            conn.execute(table.delete())


def run_together(tasks: list[Callable[[], Any]]) -> list[Any]:
    """Start every task at the same moment and return their results (or exceptions)."""
    barrier = threading.Barrier(len(tasks))
    results: list[Any] = [None] * len(tasks)

    def worker(index: int) -> None:
        barrier.wait()
        try:
            results[index] = tasks[index]()
        except Exception as exc:  # surfaced in the caller's assertions
            results[index] = exc

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(len(tasks))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return results
