"""therapist_profiles.peer_facilitator: trained peer facilitators who host peer support groups

Revision ID: 0020
Revises: 0019
Create Date: 2026-11-23 00:10:00

"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0020"
down_revision: str | Sequence[str] | None = "0019"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Every existing profile is a licensed therapist's."""
    op.add_column(
        "therapist_profiles",
        sa.Column("peer_facilitator", sa.Boolean(), server_default=sa.false(), nullable=False),
    )


def downgrade() -> None:
    """Forget who facilitates."""
    op.drop_column("therapist_profiles", "peer_facilitator")
