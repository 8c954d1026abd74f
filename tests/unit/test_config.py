"""Configuration: secrets, environments and defaults."""

from __future__ import annotations

import pytest
from cryptography.fernet import Fernet

from app.config import ConfigurationError, load_config
from app.factory import create_app


def test_production_without_secret_refuses_to_start(monkeypatch, tmp_path):
    monkeypatch.delenv("SECRET_KEY", raising=False)
    with pytest.raises(ConfigurationError, match="SECRET_KEY is not set"):
        create_app({"APP_ENV": "production", "INSTANCE_PATH": str(tmp_path)})


def test_production_rejects_a_short_secret(tmp_path):
    with pytest.raises(ConfigurationError, match="at least 32"):
        load_config(
            {
                "APP_ENV": "production",
                "SECRET_KEY": "short",
                "INSTANCE_PATH": str(tmp_path),
                "FIELD_ENCRYPTION_KEYS": [Fernet.generate_key().decode()],
            }
        )


def test_production_requires_field_encryption_keys(tmp_path):
    with pytest.raises(ConfigurationError, match="FIELD_ENCRYPTION_KEYS"):
        load_config(
            {"APP_ENV": "production", "SECRET_KEY": "k" * 40, "INSTANCE_PATH": str(tmp_path)}
        )


def test_development_secret_is_generated_once_and_kept(monkeypatch, tmp_path):
    monkeypatch.delenv("SECRET_KEY", raising=False)
    first = load_config({"INSTANCE_PATH": str(tmp_path)})["SECRET_KEY"]
    second = load_config({"INSTANCE_PATH": str(tmp_path)})["SECRET_KEY"]
    assert first == second
    assert len(first) >= 48
    assert (tmp_path / "secret_key").stat().st_mode & 0o077 == 0


def test_database_defaults_to_sqlite_under_instance(monkeypatch, tmp_path):
    monkeypatch.delenv("DATABASE_URL", raising=False)
    config = load_config({"INSTANCE_PATH": str(tmp_path), "SECRET_KEY": "k" * 40})
    assert config["DATABASE_URL"] == f"sqlite:///{tmp_path / 'teletherapy.sqlite3'}"


def test_environment_values_are_read_and_validated(monkeypatch, tmp_path):
    monkeypatch.setenv("ACCESS_TOKEN_TTL_SECONDS", "300")
    assert load_config({"INSTANCE_PATH": str(tmp_path)})["ACCESS_TOKEN_TTL_SECONDS"] == 300
    monkeypatch.setenv("ACCESS_TOKEN_TTL_SECONDS", "five minutes")
    with pytest.raises(ConfigurationError, match="ACCESS_TOKEN_TTL_SECONDS"):
        load_config({"INSTANCE_PATH": str(tmp_path)})


def test_unknown_environment_is_refused(tmp_path):
    with pytest.raises(ConfigurationError, match="APP_ENV"):
        load_config({"APP_ENV": "staging", "INSTANCE_PATH": str(tmp_path)})


def test_default_password_hashing_meets_owasp():
    config = load_config({"SECRET_KEY": "k" * 40})
    # OWASP: argon2id with at least m=19 MiB, t=2, p=1 (or an equivalent stronger setting)
    assert config["PASSWORD_HASH_MEMORY_KIB"] >= 19 * 1024
    assert config["PASSWORD_HASH_TIME_COST"] >= 2
