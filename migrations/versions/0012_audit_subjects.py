"""audit events say whose health information it was and which clinic's care

Revision ID: 0012
Revises: 0011
Create Date: 2026-11-22 16:05:00

"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0012"
down_revision: str | Sequence[str] | None = "0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Upgrade schema."""
    with op.batch_alter_table("audit_events") as batch:
        batch.add_column(sa.Column("subject_client_id", sa.Uuid(), nullable=True))
        batch.add_column(sa.Column("clinic_id", sa.Uuid(), nullable=True))
        batch.create_foreign_key(
            op.f("fk_audit_events_subject_client_id_client_profiles"),
            "client_profiles",
            ["subject_client_id"],
            ["id"],
        )
        batch.create_foreign_key(
            op.f("fk_audit_events_clinic_id_clinics"), "clinics", ["clinic_id"], ["id"]
        )
        batch.create_index(
            op.f("ix_audit_events_subject_client_id_at"), ["subject_client_id", "at"]
        )
        batch.create_index(op.f("ix_audit_events_clinic_id_at"), ["clinic_id", "at"])
    # Earlier reads of a client's own profile name their subject.
    op.execute(
        "UPDATE audit_events SET subject_client_id = resource_id "
        "WHERE resource_type = 'client_profile'"
    )


def downgrade() -> None:
    """Downgrade schema."""
    with op.batch_alter_table("audit_events") as batch:
        batch.drop_index(op.f("ix_audit_events_clinic_id_at"))
        batch.drop_index(op.f("ix_audit_events_subject_client_id_at"))
        batch.drop_constraint(op.f("fk_audit_events_clinic_id_clinics"), type_="foreignkey")
        batch.drop_constraint(
            op.f("fk_audit_events_subject_client_id_client_profiles"), type_="foreignkey"
        )
        batch.drop_column("clinic_id")
        batch.drop_column("subject_client_id")
