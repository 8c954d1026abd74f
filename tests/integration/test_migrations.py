"""Migrations produce exactly the models' schema, and downgrade cleanly to nothing."""

from __future__ import annotations

import uuid
from collections.abc import Iterator

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import Engine, inspect, text
from sqlalchemy.engine import make_url

from app.db.engine import make_engine
from migrations.metadata import metadata
from migrations.runner import downgrade, upgrade


@pytest.fixture
def scratch_database_url(database_url: str, tmp_path) -> Iterator[str]:
    """An empty database of the same kind as the suite's, dropped afterwards."""
    url = make_url(database_url)
    if url.get_backend_name() == "sqlite":
        yield f"sqlite:///{tmp_path / 'scratch.sqlite3'}"
        return
    name = f"scratch_{uuid.uuid4().hex[:12]}"
    admin = make_engine(database_url).execution_options(isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield url.set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def schema_differences(engine: Engine) -> list:
    with engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": True})
        return compare_metadata(context, metadata)


def test_migrated_schema_matches_models(engine):
    assert schema_differences(engine) == []


def test_downgrade_to_base_and_upgrade_again(scratch_database_url):
    upgrade(scratch_database_url)
    scratch = make_engine(scratch_database_url)
    try:
        assert schema_differences(scratch) == []
        downgrade(scratch_database_url, "base")
        assert set(inspect(scratch).get_table_names()) <= {"alembic_version"}
        upgrade(scratch_database_url)
        assert schema_differences(scratch) == []
    finally:
        scratch.dispose()
