"""Alembic environment: migrations run against the URL given by migrations.runner or DATABASE_URL."""

from __future__ import annotations

from typing import Literal

from alembic import context
from alembic.autogenerate.api import AutogenContext

from app.config import load_config
from app.db.base import UTCDateTime
from app.db.engine import make_engine
from migrations.metadata import metadata

config = context.config
target_metadata = metadata


def _database_url() -> str:
    url: str = config.attributes.get("database_url") or load_config()["DATABASE_URL"]
    return url


def _render_item(kind: str, obj: object, _context: AutogenContext) -> str | Literal[False]:
    """Render project types as plain SQLAlchemy types so migrations never import app code."""
    if kind == "type" and isinstance(obj, UTCDateTime):
        return "sa.DateTime(timezone=True)"
    return False


def run_migrations_offline() -> None:
    """Emit SQL without a connection."""
    context.configure(
        url=_database_url(),
        target_metadata=target_metadata,
        literal_binds=True,
        render_as_batch=True,
    )
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    """Run migrations on a live connection, in one transaction."""
    engine = make_engine(_database_url())
    with engine.connect() as connection:
        context.configure(
            connection=connection,
            target_metadata=target_metadata,
            render_as_batch=connection.dialect.name == "sqlite",
            compare_type=True,
            render_item=_render_item,
        )
        with context.begin_transaction():
            context.run_migrations()
    engine.dispose()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
