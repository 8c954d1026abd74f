"""Migrations produce exactly the models' schema, and downgrade cleanly to nothing."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from datetime import UTC, date, datetime

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import Engine, inspect, text
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session

from app.db.engine import make_engine
from matching.intake.models import Intake
from migrations.metadata import metadata
from migrations.runner import downgrade, upgrade
from tests.factories import make_client, make_clinic, make_therapist
from tests.scheduling_factories import make_session_type, past_appointment


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


def test_jurisdictions_become_iso_3166_2_and_back(scratch_database_url, security):
    """0017 rewrites the bare US codes in every place column; other places are left alone."""
    upgrade(scratch_database_url)
    scratch = make_engine(scratch_database_url)
    columns = {
        "client_profiles": "jurisdiction",
        "therapist_licenses": "jurisdiction",
        "intakes": "jurisdiction",
        "appointments": "client_located_in",
    }

    def values() -> dict[str, list[str]]:
        with scratch.connect() as conn:
            return {
                table: sorted(conn.scalars(text(f"SELECT {column} FROM {table}")))  # noqa: S608
                for table, column in columns.items()
            }

    try:
        with Session(scratch) as session:
            clinic = make_clinic(session)
            therapist = make_therapist(
                session,
                security,
                clinic,
                licenses=[("US-NY", date(2030, 1, 1)), ("CA-ON", date(2030, 1, 1))],
            )
            client = make_client(session, security, jurisdiction="US-CA")
            session.add(_intake(client, "US-TX"))
            session.add(_intake(client, "AU-NSW"))
            kind = make_session_type(session, therapist)
            past_appointment(
                session,
                therapist,
                client,
                kind,
                starts_at=datetime(2026, 1, 5, 15, tzinfo=UTC),
                client_located_in="US-NY",
            )
        iso_codes = {
            "client_profiles": ["US-CA"],
            "therapist_licenses": ["CA-ON", "US-NY"],
            "intakes": ["AU-NSW", "US-TX"],
            "appointments": ["US-NY"],
        }
        assert values() == iso_codes
        downgrade(scratch_database_url, "0016")
        assert values() == {
            "client_profiles": ["CA"],
            "therapist_licenses": ["CA-ON", "NY"],
            "intakes": ["AU-NSW", "TX"],
            "appointments": ["NY"],
        }
        upgrade(scratch_database_url)
        assert values() == iso_codes
    finally:
        scratch.dispose()


def _intake(client, jurisdiction: str) -> Intake:
    return Intake(
        client_id=client.id,
        created_at=datetime(2026, 1, 1, tzinfo=UTC),
        jurisdiction=jurisdiction,
        timezone="UTC",
        concerns=["anxiety"],
        phq9_answers=[0] * 9,
        gad7_answers=[0] * 7,
        phq9_score=0,
        gad7_score=0,
        phq9_band="minimal",
        gad7_band="minimal",
        preferences={},
        payment={},
        preferred_times=[],
    )
