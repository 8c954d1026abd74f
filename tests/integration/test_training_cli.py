"""The `flask matching train` command on the database: it refuses to learn from too little data."""

from __future__ import annotations


def test_training_refuses_too_little_data(app, session):
    result = app.test_cli_runner().invoke(args=["matching", "train"])
    assert result.exit_code != 0
    assert "at least 20" in str(result.exception) or "at least 20" in result.output
