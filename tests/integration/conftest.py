"""Fixtures of the integration tier: committed data on the real engine, an app with its own pool."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask
from sqlalchemy import Engine
from sqlalchemy.orm import Session

from app.factory import create_app
from tests.concurrency_helpers import wipe
from tests.conftest import app_config_for_tests


@pytest.fixture
def committed(engine: Engine) -> Iterator[Session]:
    """A session whose commits are real; everything is deleted afterwards."""
    with Session(bind=engine, expire_on_commit=False) as session:
        yield session
    wipe(engine)


@pytest.fixture
def live_app(database_url: str, engine: Engine, tmp_path: Path) -> Flask:
    """An app with its own engine and pool, as in production."""
    return create_app(app_config_for_tests(database_url, tmp_path))
