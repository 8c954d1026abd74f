"""indexes for clinic reports: appointments by clinic and start, intakes by creation

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-22 10:20:00

"""

from collections.abc import Sequence

from alembic import op

revision: str = "0009"
down_revision: str | Sequence[str] | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Upgrade schema."""
    op.create_index(
        op.f("ix_appointments_clinic_id_starts_at"), "appointments", ["clinic_id", "starts_at"]
    )
    op.create_index(op.f("ix_intakes_created_at"), "intakes", ["created_at"])


def downgrade() -> None:
    """Downgrade schema."""
    op.drop_index(op.f("ix_intakes_created_at"), table_name="intakes")
    op.drop_index(op.f("ix_appointments_clinic_id_starts_at"), table_name="appointments")
