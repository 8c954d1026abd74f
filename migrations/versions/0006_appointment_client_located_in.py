"""appointment client_located_in

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-22 07:20:00

"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision: str = "0006"
down_revision: str | Sequence[str] | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Upgrade schema."""
    # Where the client is for the session (the license rule). Existing one-to-one appointments
    # were booked under the profile's jurisdiction, so they take it.
    with op.batch_alter_table("appointments", schema=None) as batch_op:
        batch_op.add_column(sa.Column("client_located_in", sa.String(length=8), nullable=True))
    op.execute(
        "UPDATE appointments SET client_located_in = (SELECT jurisdiction FROM client_profiles "
        "WHERE client_profiles.id = appointments.client_id) WHERE client_id IS NOT NULL"
    )


def downgrade() -> None:
    """Downgrade schema."""
    with op.batch_alter_table("appointments", schema=None) as batch_op:
        batch_op.drop_column("client_located_in")
