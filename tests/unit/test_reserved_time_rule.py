"""Which appointments reserve time has one source; the constraint text derives from it."""

from __future__ import annotations

import importlib

from scheduling.appointments.models import TAKES_TIME_SQL


def test_constraint_text_is_byte_identical_to_what_the_migration_created():
    migration = importlib.import_module("migrations.versions.0002_scheduling")
    assert TAKES_TIME_SQL == migration.TAKES_TIME_SQL
