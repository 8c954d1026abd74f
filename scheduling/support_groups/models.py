"""Support groups: a recurring group with its members (by alias), guidelines and moderation."""

from __future__ import annotations

import enum
import uuid
from datetime import date, datetime

from sqlalchemy import ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.db.base import Base, UUIDPrimaryKey, enum_column


class GroupKind(enum.StrEnum):
    """Therapy groups are care (licensing applies); peer support groups are not."""

    THERAPY = "therapy"
    PEER = "peer"


class MemberStatus(enum.StrEnum):
    """Where a member stands with the group."""

    ACTIVE = "active"
    LEFT = "left"
    REMOVED = "removed"  # by the host; may join again
    BANNED = "banned"  # by the host; may not


class ModerationAction(enum.StrEnum):
    """What a host or clinic admin did to a member."""

    MUTE = "mute"
    UNMUTE = "unmute"
    REMOVE = "remove"
    BAN = "ban"


class ReportStatus(enum.StrEnum):
    """A member's report as the clinic handles it."""

    OPEN = "open"
    RESOLVED = "resolved"


class SupportGroup(UUIDPrimaryKey, Base):
    """A weekly or fortnightly group on one topic, hosted by one of the clinic's therapists."""

    __tablename__ = "support_groups"

    clinic_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("clinics.id"), index=True)
    host_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("therapist_profiles.id"), index=True)
    session_type_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("session_types.id"))
    kind: Mapped[GroupKind] = mapped_column(enum_column(GroupKind, "support_group_kind"))
    title: Mapped[str] = mapped_column(String(120))
    description: Mapped[str] = mapped_column(Text, default="")
    topic: Mapped[str] = mapped_column(String(32), index=True)
    language: Mapped[str] = mapped_column(String(8))
    age_group: Mapped[str] = mapped_column(String(32))
    capacity: Mapped[int]
    interval_weeks: Mapped[int]  # 1 weekly, 2 fortnightly
    timezone: Mapped[str] = mapped_column(String(64))  # the wall clock the meetings keep
    first_date: Mapped[date]
    start_minute: Mapped[int]  # minutes after local midnight
    occurrences: Mapped[int]
    guidelines: Mapped[str] = mapped_column(Text)
    guidelines_version: Mapped[int] = mapped_column(default=1)
    created_by_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime]
    ended_at: Mapped[datetime | None]

    members: Mapped[list[GroupMember]] = relationship(back_populates="group")


class GroupMember(UUIDPrimaryKey, Base):
    """A client in a group, known to the others only by an alias unique within the group."""

    __tablename__ = "group_members"
    __table_args__ = (
        UniqueConstraint("group_id", "client_id"),
        UniqueConstraint("group_id", "alias_key"),  # an alias is never reused in a group
    )

    group_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("support_groups.id"), index=True)
    client_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("client_profiles.id"), index=True)
    alias: Mapped[str] = mapped_column(String(40))
    alias_key: Mapped[str] = mapped_column(String(80))  # NFKC case-folded, for uniqueness
    status: Mapped[MemberStatus] = mapped_column(enum_column(MemberStatus, "group_member_status"))
    whole_series: Mapped[bool]
    located_in: Mapped[str] = mapped_column(String(8))
    joined_at: Mapped[datetime]
    muted_at: Mapped[datetime | None]
    ended_at: Mapped[datetime | None]

    group: Mapped[SupportGroup] = relationship(back_populates="members")


class GuidelinesAcceptance(UUIDPrimaryKey, Base):
    """A client's acceptance of one version of a group's guidelines."""

    __tablename__ = "group_guidelines_acceptances"
    __table_args__ = (UniqueConstraint("group_id", "client_id", "version"),)

    group_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("support_groups.id"))
    client_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("client_profiles.id"), index=True)
    version: Mapped[int]
    accepted_at: Mapped[datetime]


class GroupModeration(UUIDPrimaryKey, Base):
    """One moderation step with its reason (the audit log records it too)."""

    __tablename__ = "group_moderation"
    __table_args__ = (Index(None, "group_id", "at"),)

    group_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("support_groups.id"))
    member_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("group_members.id"), index=True)
    action: Mapped[ModerationAction] = mapped_column(
        enum_column(ModerationAction, "group_moderation_action")
    )
    reason: Mapped[str] = mapped_column(String(500))
    actor_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id"))
    at: Mapped[datetime]


class MeetingReport(UUIDPrimaryKey, Base):
    """A member's report about a meeting, for the clinic to look into."""

    __tablename__ = "group_meeting_reports"
    __table_args__ = (Index(None, "clinic_id", "status", "created_at"),)

    clinic_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("clinics.id"))
    group_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("support_groups.id"), index=True)
    meeting_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("appointments.id"), index=True)
    reporter_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("group_members.id"))
    reason: Mapped[str] = mapped_column(String(2000))
    status: Mapped[ReportStatus] = mapped_column(enum_column(ReportStatus, "group_report_status"))
    created_at: Mapped[datetime]
    resolved_at: Mapped[datetime | None]
    resolved_by_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("users.id"))
    resolution: Mapped[str | None] = mapped_column(String(2000))
