"""Shared fixtures: a migrated database, a rolled-back transaction per test, the app and client."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import Connection, Engine, inspect, text
from sqlalchemy.orm import Session, sessionmaker

from app.db.engine import make_engine
from app.factory import create_app
from app.identity.security import SECURITY, Security
from app.web.extensions import Database, app_adapters
from migrations.runner import upgrade
from tests.billing_helpers import health_words_sent
from tests.stripe_fake import StripeFake

FAST_ARGON2 = {
    "PASSWORD_HASH_TIME_COST": 1,
    "PASSWORD_HASH_MEMORY_KIB": 1024,
    "PASSWORD_HASH_PARALLELISM": 1,
}


def app_config_for_tests(
    database_url: str, instance_path: Path, **overrides: Any
) -> dict[str, Any]:
    """Configuration of an app under test."""
    return {
        "APP_ENV": "testing",
        "DATABASE_URL": database_url,
        "INSTANCE_PATH": str(instance_path),
        "SECRET_KEY": "test-secret-key-that-is-long-enough-for-hs256",
        "RATELIMIT_ENABLED": False,
        "LOG_LEVEL": "WARNING",
        **FAST_ARGON2,
        **overrides,
    }


def reset_database(engine: Engine) -> None:
    """Drop every table (and PostgreSQL type) so migrations start from nothing."""
    with engine.begin() as conn:
        if conn.dialect.name == "postgresql":
            conn.execute(text("DROP SCHEMA public CASCADE"))
            conn.execute(text("CREATE SCHEMA public"))
        else:
            for table in inspect(conn).get_table_names():
                conn.execute(text(f'DROP TABLE IF EXISTS "{table}"'))


@pytest.fixture(scope="session")
def database_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    """TEST_DATABASE_URL when set (PostgreSQL in CI), else a fresh SQLite file."""
    url = os.environ.get("TEST_DATABASE_URL")
    if url:
        return url
    return f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.sqlite3'}"


@pytest.fixture(scope="session")
def engine(database_url: str) -> Iterator[Engine]:
    """An engine on a database migrated to the newest revision."""
    engine = make_engine(database_url)
    reset_database(engine)
    upgrade(database_url)
    yield engine
    engine.dispose()


@pytest.fixture
def connection(engine: Engine) -> Iterator[Connection]:
    """A connection inside a transaction that is rolled back after the test."""
    with engine.connect() as conn:
        transaction = conn.begin()
        yield conn
        transaction.rollback()


@pytest.fixture
def session_factory(connection: Connection) -> sessionmaker[Session]:
    """Sessions whose commits become savepoints of the test's transaction."""
    return sessionmaker(
        bind=connection, join_transaction_mode="create_savepoint", expire_on_commit=False
    )


@pytest.fixture
def session(session_factory: sessionmaker[Session]) -> Iterator[Session]:
    """A session for setting up and inspecting data."""
    with session_factory() as s:
        yield s


@pytest.fixture(scope="session")
def app_instance(database_url: str, engine: Engine, tmp_path_factory: pytest.TempPathFactory):
    """One app for the session; each test swaps in its own transaction."""
    return create_app(app_config_for_tests(database_url, tmp_path_factory.mktemp("instance")))


@pytest.fixture
def app(app_instance: Flask, session_factory: sessionmaker[Session]) -> Iterator[Flask]:
    """The app, bound to this test's rolled-back transaction."""
    state = Database.state(app_instance)
    original = state.sessionmaker
    state.sessionmaker = session_factory
    try:
        yield app_instance
    finally:
        state.sessionmaker = original


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    """A test client of the app."""
    return app.test_client()


@pytest.fixture
def security(app_instance: Flask) -> Security:
    """The app's password hashing and token settings."""
    return app_adapters(app_instance).get(SECURITY)


@pytest.fixture
def make_app(database_url: str, engine: Engine, session_factory: sessionmaker[Session], tmp_path):
    """Build a separate app (own config, own rate-limit store) bound to this test's transaction."""

    def build(**overrides: Any) -> Flask:
        new_app = create_app(app_config_for_tests(database_url, tmp_path, **overrides))
        Database.state(new_app).sessionmaker = session_factory
        return new_app

    return build


@pytest.fixture(scope="session")
def stripe_fake() -> Iterator[StripeFake]:
    """One local Stripe-compatible server for the whole run."""
    fake = StripeFake()
    fake.start()
    yield fake
    fake.stop()


@pytest.fixture
def stripe(stripe_fake: StripeFake) -> Iterator[StripeFake]:
    """The Stripe server, emptied; afterwards every request the test sent is scanned for PHI."""
    stripe_fake.reset()
    yield stripe_fake
    leaks = health_words_sent(stripe_fake)
    assert not leaks, f"health information sent to Stripe: {leaks}"
