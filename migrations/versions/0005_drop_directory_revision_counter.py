"""drop directory revision counter

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-22 06:38:35.055317

"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision: str = "0005"
down_revision: str | Sequence[str] | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Upgrade schema."""
    # The random token alone marks a directory change; nothing read the counter.
    with op.batch_alter_table("directory_revision", schema=None) as batch_op:
        batch_op.drop_column("counter")


def downgrade() -> None:
    """Downgrade schema."""
    # An existing row needs a value: add the column with a default, then drop the default so
    # the table is exactly what 0003 created.
    with op.batch_alter_table("directory_revision", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("counter", sa.Integer(), nullable=False, server_default=sa.text("0"))
        )
    with op.batch_alter_table("directory_revision", schema=None) as batch_op:
        batch_op.alter_column("counter", server_default=None)
