"""users.locale: the language a person's emails and invites are written in

Revision ID: 0019
Revises: 0018
Create Date: 2026-11-23 00:40:00

"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0019"
down_revision: str | Sequence[str] | None = "0018"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Everyone reads English until they choose otherwise."""
    # Plain ALTER TABLE (SQLite 3.35+ too): rebuilding `users` would trip every foreign key to it.
    op.add_column(
        "users", sa.Column("locale", sa.String(length=35), server_default="en", nullable=False)
    )


def downgrade() -> None:
    """Forget the choice."""
    op.drop_column("users", "locale")
