"""crisis alerts as records: acknowledged by clinic staff, escalated when nobody does

Revision ID: 0014
Revises: 0013
Create Date: 2026-11-22 16:35:00

"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0014"
down_revision: str | Sequence[str] | None = "0013"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

WHEN = sa.DateTime(timezone=True)


def upgrade() -> None:
    """Upgrade schema."""
    op.create_table(
        "crisis_alerts",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("intake_id", sa.Uuid(), nullable=False),
        sa.Column("clinic_id", sa.Uuid(), nullable=False),
        sa.Column("raised_at", WHEN, nullable=False),
        sa.Column("acknowledged_at", WHEN, nullable=True),
        sa.Column("acknowledged_by_id", sa.Uuid(), nullable=True),
        sa.Column("note", sa.String(length=500), nullable=True),
        sa.Column("escalations", sa.Integer(), nullable=False),
        sa.Column("escalated_at", WHEN, nullable=True),
        sa.ForeignKeyConstraint(
            ["intake_id"], ["intakes.id"], name=op.f("fk_crisis_alerts_intake_id_intakes")
        ),
        sa.ForeignKeyConstraint(
            ["clinic_id"], ["clinics.id"], name=op.f("fk_crisis_alerts_clinic_id_clinics")
        ),
        sa.ForeignKeyConstraint(
            ["acknowledged_by_id"],
            ["users.id"],
            name=op.f("fk_crisis_alerts_acknowledged_by_id_users"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_crisis_alerts")),
        sa.UniqueConstraint(
            "intake_id", "clinic_id", name=op.f("uq_crisis_alerts_intake_id_clinic_id")
        ),
    )
    op.create_index(
        op.f("ix_crisis_alerts_clinic_id_raised_at"), "crisis_alerts", ["clinic_id", "raised_at"]
    )


def downgrade() -> None:
    """Downgrade schema."""
    op.drop_index(op.f("ix_crisis_alerts_clinic_id_raised_at"), table_name="crisis_alerts")
    op.drop_table("crisis_alerts")
