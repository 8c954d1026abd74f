"""Shared benchmark helpers: a fresh database, timing, and figures."""

from __future__ import annotations

import os
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session

from app.config import load_config
from app.db.engine import make_engine
from app.identity.security import Security
from migrations.runner import upgrade


def fresh_database() -> tuple[str, Session, Security]:
    """A migrated database (BENCH_DATABASE_URL, or a temporary SQLite file) and a session."""
    url = os.environ.get("BENCH_DATABASE_URL") or (
        f"sqlite:///{Path(tempfile.mkdtemp()) / 'bench.sqlite3'}"
    )
    upgrade(url)
    security = Security.from_config(
        load_config(
            {
                "SECRET_KEY": "bench-secret-" * 4,
                "PASSWORD_HASH_TIME_COST": 1,
                "PASSWORD_HASH_MEMORY_KIB": 1024,
                "PASSWORD_HASH_PARALLELISM": 1,
            }
        )
    )
    return url, Session(make_engine(url), expire_on_commit=False), security


def measure(label: str, runs: int, action: Callable[[], object]) -> None:
    """Run the action, then print median and p95 in milliseconds."""
    action()  # warm up caches
    timings = []
    for _ in range(runs):
        started = time.perf_counter()
        action()
        timings.append((time.perf_counter() - started) * 1000)
    timings.sort()
    p95 = timings[min(len(timings) - 1, round(0.95 * len(timings)) - 1)]
    print(
        f"{label:<58} median {statistics.median(timings):8.2f} ms   p95 {p95:8.2f} ms   (n={runs})"
    )


def fresh_postgres(url: str) -> None:
    """Drop and migrate a PostgreSQL bench database (refuses any database not named bench*)."""
    name = make_url(url).database or ""
    if not name.startswith("bench"):
        raise SystemExit(f"refusing to wipe {name!r}: the database name must start with 'bench'")
    with create_engine(url).begin() as conn:
        conn.execute(text("DROP SCHEMA public CASCADE"))
        conn.execute(text("CREATE SCHEMA public"))
    upgrade(url)
