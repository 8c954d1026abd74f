"""consent documents published by clinics and clients' acceptances

Revision ID: 0013
Revises: 0012
Create Date: 2026-11-22 16:25:00

"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0013"
down_revision: str | Sequence[str] | None = "0012"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

WHEN = sa.DateTime(timezone=True)


def upgrade() -> None:
    """Upgrade schema."""
    op.create_table(
        "consent_documents",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("clinic_id", sa.Uuid(), nullable=False),
        sa.Column(
            "kind",
            sa.Enum(
                "telehealth_consent",
                "privacy_notice",
                "financial_policy",
                name="consent_kind",
                native_enum=False,
                create_constraint=True,
                length=24,
            ),
            nullable=False,
        ),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("published_at", WHEN, nullable=False),
        sa.Column("published_by_id", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(
            ["clinic_id"], ["clinics.id"], name=op.f("fk_consent_documents_clinic_id_clinics")
        ),
        sa.ForeignKeyConstraint(
            ["published_by_id"],
            ["users.id"],
            name=op.f("fk_consent_documents_published_by_id_users"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_consent_documents")),
        sa.UniqueConstraint(
            "clinic_id", "kind", "version", name=op.f("uq_consent_documents_clinic_id_kind_version")
        ),
    )
    op.create_index(op.f("ix_consent_documents_clinic_id"), "consent_documents", ["clinic_id"])
    op.create_table(
        "consent_acceptances",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("document_id", sa.Uuid(), nullable=False),
        sa.Column("client_id", sa.Uuid(), nullable=False),
        sa.Column("accepted_at", WHEN, nullable=False),
        sa.Column("ip_address", sa.String(length=45), nullable=True),
        sa.Column("user_agent", sa.String(length=300), nullable=True),
        sa.ForeignKeyConstraint(
            ["document_id"],
            ["consent_documents.id"],
            name=op.f("fk_consent_acceptances_document_id_consent_documents"),
        ),
        sa.ForeignKeyConstraint(
            ["client_id"],
            ["client_profiles.id"],
            name=op.f("fk_consent_acceptances_client_id_client_profiles"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_consent_acceptances")),
        sa.UniqueConstraint(
            "document_id", "client_id", name=op.f("uq_consent_acceptances_document_id_client_id")
        ),
    )
    op.create_index(op.f("ix_consent_acceptances_client_id"), "consent_acceptances", ["client_id"])


def downgrade() -> None:
    """Downgrade schema."""
    op.drop_index(op.f("ix_consent_acceptances_client_id"), table_name="consent_acceptances")
    op.drop_table("consent_acceptances")
    op.drop_index(op.f("ix_consent_documents_clinic_id"), table_name="consent_documents")
    op.drop_table("consent_documents")
