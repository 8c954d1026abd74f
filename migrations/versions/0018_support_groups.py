"""support groups: recurring groups, members by alias, guidelines, moderation and reports

Revision ID: 0018
Revises: 0017
Create Date: 2026-11-23 00:25:00

"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0018"
down_revision: str | Sequence[str] | None = "0017"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Upgrade schema."""
    op.create_table(
        "support_groups",
        sa.Column("clinic_id", sa.Uuid(), nullable=False),
        sa.Column("host_id", sa.Uuid(), nullable=False),
        sa.Column("session_type_id", sa.Uuid(), nullable=False),
        sa.Column(
            "kind",
            sa.Enum(
                "therapy",
                "peer",
                name="support_group_kind",
                native_enum=False,
                create_constraint=True,
                length=16,
            ),
            nullable=False,
        ),
        sa.Column("title", sa.String(length=120), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("topic", sa.String(length=32), nullable=False),
        sa.Column("language", sa.String(length=8), nullable=False),
        sa.Column("age_group", sa.String(length=32), nullable=False),
        sa.Column("capacity", sa.Integer(), nullable=False),
        sa.Column("interval_weeks", sa.Integer(), nullable=False),
        sa.Column("timezone", sa.String(length=64), nullable=False),
        sa.Column("first_date", sa.Date(), nullable=False),
        sa.Column("start_minute", sa.Integer(), nullable=False),
        sa.Column("occurrences", sa.Integer(), nullable=False),
        sa.Column("guidelines", sa.Text(), nullable=False),
        sa.Column("guidelines_version", sa.Integer(), nullable=False),
        sa.Column("created_by_id", sa.Uuid(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("ended_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(
            ["clinic_id"], ["clinics.id"], name=op.f("fk_support_groups_clinic_id_clinics")
        ),
        sa.ForeignKeyConstraint(
            ["created_by_id"], ["users.id"], name=op.f("fk_support_groups_created_by_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["host_id"],
            ["therapist_profiles.id"],
            name=op.f("fk_support_groups_host_id_therapist_profiles"),
        ),
        sa.ForeignKeyConstraint(
            ["session_type_id"],
            ["session_types.id"],
            name=op.f("fk_support_groups_session_type_id_session_types"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_support_groups")),
    )
    with op.batch_alter_table("support_groups", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_support_groups_clinic_id"), ["clinic_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_support_groups_host_id"), ["host_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_support_groups_topic"), ["topic"], unique=False)

    op.create_table(
        "group_guidelines_acceptances",
        sa.Column("group_id", sa.Uuid(), nullable=False),
        sa.Column("client_id", sa.Uuid(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("accepted_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(
            ["client_id"],
            ["client_profiles.id"],
            name=op.f("fk_group_guidelines_acceptances_client_id_client_profiles"),
        ),
        sa.ForeignKeyConstraint(
            ["group_id"],
            ["support_groups.id"],
            name=op.f("fk_group_guidelines_acceptances_group_id_support_groups"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_group_guidelines_acceptances")),
        sa.UniqueConstraint(
            "group_id",
            "client_id",
            "version",
            name=op.f("uq_group_guidelines_acceptances_group_id_client_id_version"),
        ),
    )
    with op.batch_alter_table("group_guidelines_acceptances", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_group_guidelines_acceptances_client_id"), ["client_id"], unique=False
        )

    op.create_table(
        "group_members",
        sa.Column("group_id", sa.Uuid(), nullable=False),
        sa.Column("client_id", sa.Uuid(), nullable=False),
        sa.Column("alias", sa.String(length=40), nullable=False),
        sa.Column("alias_key", sa.String(length=80), nullable=False),
        sa.Column(
            "status",
            sa.Enum(
                "active",
                "left",
                "removed",
                "banned",
                name="group_member_status",
                native_enum=False,
                create_constraint=True,
                length=16,
            ),
            nullable=False,
        ),
        sa.Column("whole_series", sa.Boolean(), nullable=False),
        sa.Column("located_in", sa.String(length=8), nullable=False),
        sa.Column("joined_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("muted_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("ended_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(
            ["client_id"],
            ["client_profiles.id"],
            name=op.f("fk_group_members_client_id_client_profiles"),
        ),
        sa.ForeignKeyConstraint(
            ["group_id"],
            ["support_groups.id"],
            name=op.f("fk_group_members_group_id_support_groups"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_group_members")),
        sa.UniqueConstraint(
            "group_id", "alias_key", name=op.f("uq_group_members_group_id_alias_key")
        ),
        sa.UniqueConstraint(
            "group_id", "client_id", name=op.f("uq_group_members_group_id_client_id")
        ),
    )
    with op.batch_alter_table("group_members", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_group_members_client_id"), ["client_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_group_members_group_id"), ["group_id"], unique=False)

    op.create_table(
        "group_meeting_reports",
        sa.Column("clinic_id", sa.Uuid(), nullable=False),
        sa.Column("group_id", sa.Uuid(), nullable=False),
        sa.Column("meeting_id", sa.Uuid(), nullable=False),
        sa.Column("reporter_id", sa.Uuid(), nullable=False),
        sa.Column("reason", sa.String(length=2000), nullable=False),
        sa.Column(
            "status",
            sa.Enum(
                "open",
                "resolved",
                name="group_report_status",
                native_enum=False,
                create_constraint=True,
                length=16,
            ),
            nullable=False,
        ),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("resolved_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("resolved_by_id", sa.Uuid(), nullable=True),
        sa.Column("resolution", sa.String(length=2000), nullable=True),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(
            ["clinic_id"], ["clinics.id"], name=op.f("fk_group_meeting_reports_clinic_id_clinics")
        ),
        sa.ForeignKeyConstraint(
            ["group_id"],
            ["support_groups.id"],
            name=op.f("fk_group_meeting_reports_group_id_support_groups"),
        ),
        sa.ForeignKeyConstraint(
            ["meeting_id"],
            ["appointments.id"],
            name=op.f("fk_group_meeting_reports_meeting_id_appointments"),
        ),
        sa.ForeignKeyConstraint(
            ["reporter_id"],
            ["group_members.id"],
            name=op.f("fk_group_meeting_reports_reporter_id_group_members"),
        ),
        sa.ForeignKeyConstraint(
            ["resolved_by_id"],
            ["users.id"],
            name=op.f("fk_group_meeting_reports_resolved_by_id_users"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_group_meeting_reports")),
    )
    with op.batch_alter_table("group_meeting_reports", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_group_meeting_reports_clinic_id_status_created_at"),
            ["clinic_id", "status", "created_at"],
            unique=False,
        )
        batch_op.create_index(
            batch_op.f("ix_group_meeting_reports_group_id"), ["group_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_group_meeting_reports_meeting_id"), ["meeting_id"], unique=False
        )

    op.create_table(
        "group_moderation",
        sa.Column("group_id", sa.Uuid(), nullable=False),
        sa.Column("member_id", sa.Uuid(), nullable=False),
        sa.Column(
            "action",
            sa.Enum(
                "mute",
                "unmute",
                "remove",
                "ban",
                name="group_moderation_action",
                native_enum=False,
                create_constraint=True,
                length=16,
            ),
            nullable=False,
        ),
        sa.Column("reason", sa.String(length=500), nullable=False),
        sa.Column("actor_id", sa.Uuid(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(
            ["actor_id"], ["users.id"], name=op.f("fk_group_moderation_actor_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["group_id"],
            ["support_groups.id"],
            name=op.f("fk_group_moderation_group_id_support_groups"),
        ),
        sa.ForeignKeyConstraint(
            ["member_id"],
            ["group_members.id"],
            name=op.f("fk_group_moderation_member_id_group_members"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_group_moderation")),
    )
    with op.batch_alter_table("group_moderation", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_group_moderation_group_id_at"), ["group_id", "at"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_group_moderation_member_id"), ["member_id"], unique=False
        )

    with op.batch_alter_table("appointments", schema=None) as batch_op:
        batch_op.add_column(sa.Column("support_group_id", sa.Uuid(), nullable=True))
        batch_op.create_index(
            batch_op.f("ix_appointments_support_group_id"), ["support_group_id"], unique=False
        )
        batch_op.create_foreign_key(
            batch_op.f("fk_appointments_support_group_id_support_groups"),
            "support_groups",
            ["support_group_id"],
            ["id"],
        )


def downgrade() -> None:
    """Downgrade schema."""
    with op.batch_alter_table("appointments", schema=None) as batch_op:
        batch_op.drop_constraint(
            batch_op.f("fk_appointments_support_group_id_support_groups"), type_="foreignkey"
        )
        batch_op.drop_index(batch_op.f("ix_appointments_support_group_id"))
        batch_op.drop_column("support_group_id")

    with op.batch_alter_table("group_moderation", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_group_moderation_member_id"))
        batch_op.drop_index(batch_op.f("ix_group_moderation_group_id_at"))

    op.drop_table("group_moderation")
    with op.batch_alter_table("group_meeting_reports", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_group_meeting_reports_meeting_id"))
        batch_op.drop_index(batch_op.f("ix_group_meeting_reports_group_id"))
        batch_op.drop_index(batch_op.f("ix_group_meeting_reports_clinic_id_status_created_at"))

    op.drop_table("group_meeting_reports")
    with op.batch_alter_table("group_members", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_group_members_group_id"))
        batch_op.drop_index(batch_op.f("ix_group_members_client_id"))

    op.drop_table("group_members")
    with op.batch_alter_table("group_guidelines_acceptances", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_group_guidelines_acceptances_client_id"))

    op.drop_table("group_guidelines_acceptances")
    with op.batch_alter_table("support_groups", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_support_groups_topic"))
        batch_op.drop_index(batch_op.f("ix_support_groups_host_id"))
        batch_op.drop_index(batch_op.f("ix_support_groups_clinic_id"))

    op.drop_table("support_groups")
