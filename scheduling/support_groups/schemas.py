"""Schemas of support groups: hosting, discovery, joining, rosters and moderation."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from app.web.fields import code, jurisdiction_code, one_line, trimmed
from app.web.paging import PageQuerySchema, page_schema
from scheduling.appointments.models import EnrollmentStatus
from scheduling.schemas import WallClock, instant
from scheduling.support_groups.models import (
    GroupKind,
    MemberStatus,
    ModerationAction,
    ReportStatus,
)

CADENCES = {"weekly": 1, "fortnightly": 2}


class SupportGroupCreateSchema(Schema):
    """A recurring group to host: every meeting must be a free group slot of the host."""

    therapist_id = fields.UUID(required=True, metadata={"description": "The host"})
    session_type_id = fields.UUID(required=True, metadata={"description": "A group type"})
    kind = fields.Enum(GroupKind, by_value=True, required=True)
    title = one_line(120, required=True)
    description = trimmed(2000, load_default="", metadata={"description": "Default: empty"})
    topic = code("concerns", required=True)
    language = code("languages", required=True)
    age_group = code("age_groups", required=True)
    capacity = fields.Integer(
        strict=True, load_default=None, allow_none=True, validate=validate.Range(min=2, max=50)
    )
    cadence = fields.String(required=True, validate=validate.OneOf(list(CADENCES)))
    first_start = instant(required=True)
    occurrences = fields.Integer(strict=True, required=True, validate=validate.Range(min=1, max=52))
    guidelines = trimmed(8000, required=True, metadata={"description": "Members accept them"})


class SupportGroupChangeSchema(Schema):
    """What a host may change; new guidelines become the next version members accept."""

    title = one_line(120)
    description = trimmed(2000, min_length=0)
    guidelines = trimmed(8000)


class SupportGroupQuerySchema(PageQuerySchema):
    """Filters; weekday and times are read in the zone named by `tz` (UTC without it)."""

    topic = code("concerns")
    language = code("languages")
    kind = fields.Enum(GroupKind, by_value=True)
    age_group = code("age_groups")
    weekday = fields.String(
        validate=validate.OneOf(
            ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]
        )
    )
    starts_from = WallClock(metadata={"description": "A meeting starting at or after (HH:MM)"})
    starts_until = WallClock(metadata={"description": "A meeting starting before (HH:MM)"})
    jurisdiction = jurisdiction_code(metadata={"description": "Open to a member located there"})
    seats_free = fields.Boolean(metadata={"description": "true: only meetings with a free seat"})


class GroupMeetingSchema(Schema):
    """A meeting ahead and its seats."""

    id = fields.UUID(metadata={"description": "The meeting's group session id"})
    starts_at = instant()
    ends_at = instant()
    capacity = fields.Integer()
    seats_left = fields.Integer()
    waitlist_length = fields.Integer()


class SupportGroupSchema(Schema):
    """A group as anyone may see it; never its members."""

    id = fields.UUID(attribute="group.id")
    kind = fields.Enum(GroupKind, by_value=True, attribute="group.kind")
    title = fields.String(attribute="group.title")
    description = fields.String(attribute="group.description")
    topic = fields.String(attribute="group.topic")
    language = fields.String(attribute="group.language")
    age_group = fields.String(attribute="group.age_group")
    cadence = fields.String(validate=validate.OneOf(list(CADENCES)))
    timezone = fields.String(attribute="group.timezone")
    clinic_id = fields.UUID(
        attribute="group.clinic_id", metadata={"description": "Its consent documents apply"}
    )
    capacity = fields.Integer(attribute="group.capacity")
    host_name = fields.String()
    clinic_name = fields.String()
    licensing_applies = fields.Boolean(
        metadata={"description": "Therapy groups: the host must be licensed where you are"}
    )
    next_meetings = fields.List(fields.Nested(GroupMeetingSchema))
    meetings_ahead = fields.Integer(
        metadata={"description": "Every meeting ahead (that fits the filters, in a search)"}
    )
    ended = fields.Boolean()


class SupportGroupDetailsSchema(SupportGroupSchema):
    """A group with its guidelines, to read before joining."""

    guidelines = fields.String(attribute="group.guidelines")
    guidelines_version = fields.Integer(attribute="group.guidelines_version")


SupportGroupPageSchema = page_schema(SupportGroupSchema, "SupportGroupPage")


class GroupJoinSchema(Schema):
    """Join the whole series (no meeting_id) or one meeting, under an alias."""

    alias = one_line(40, min_length=2, required=True)
    guidelines_version = fields.Integer(
        strict=True, required=True, metadata={"description": "The version you accept"}
    )
    meeting_id = fields.UUID(load_default=None, metadata={"description": "Default: the series"})
    located_in = jurisdiction_code(
        load_default=None, metadata={"description": "Where you will be (default: your profile)"}
    )


class GroupPlaceSchema(Schema):
    """A seat or waitlist place in one meeting."""

    meeting_id = fields.UUID(attribute="appointment_id")
    status = fields.Enum(EnrollmentStatus, by_value=True)
    starts_at = instant(attribute="appointment.starts_at")


class SkippedMeetingSchema(Schema):
    """A meeting not joined, and why."""

    meeting_id = fields.String()
    reason = fields.String()


class GroupMembershipSchema(Schema):
    """The caller's membership and the places it got."""

    id = fields.UUID(attribute="member.id")
    group_id = fields.UUID(attribute="member.group_id")
    alias = fields.String(attribute="member.alias")
    status = fields.Enum(MemberStatus, by_value=True, attribute="member.status")
    whole_series = fields.Boolean(attribute="member.whole_series")
    located_in = fields.String(attribute="member.located_in")
    places = fields.List(fields.Nested(GroupPlaceSchema))
    skipped = fields.List(fields.Nested(SkippedMeetingSchema))


class GroupMemberClientSchema(Schema):
    """A therapy group member's profile, for the host."""

    id = fields.UUID()
    display_name = fields.String()
    age_group = fields.String(allow_none=True)


class GroupRosterEntrySchema(Schema):
    """A member by alias; ids, statuses and (therapy groups) profiles for the host."""

    id = fields.UUID(
        attribute="member_id", allow_none=True, metadata={"description": "For the host only"}
    )
    alias = fields.String(attribute="member.alias")
    is_you = fields.Boolean()
    status = fields.Enum(MemberStatus, by_value=True, attribute="member.status")
    muted = fields.Boolean()
    joined_at = instant(attribute="member.joined_at")
    located_in = fields.String(allow_none=True, metadata={"description": "Therapy groups"})
    client = fields.Nested(GroupMemberClientSchema, allow_none=True)


class GroupModerationSchema(Schema):
    """A moderation step and its reason."""

    action = fields.Enum(ModerationAction, by_value=True, required=True)
    reason = trimmed(500, required=True)


class GroupReportCreateSchema(Schema):
    """What happened in the meeting."""

    reason = trimmed(2000, required=True)


class GroupReportSchema(Schema):
    """A member's report about a meeting (the reporter's alias only)."""

    id = fields.UUID()
    group_id = fields.UUID()
    meeting_id = fields.UUID()
    reason = fields.String()
    status = fields.Enum(ReportStatus, by_value=True)
    created_at = instant()
    resolved_at = instant(allow_none=True)
    resolution = fields.String(allow_none=True)


class GroupReportQuerySchema(PageQuerySchema):
    """Reports by status."""

    status = fields.Enum(ReportStatus, by_value=True)


GroupReportPageSchema = page_schema(GroupReportSchema, "GroupReportPage")


class GroupReportResolveSchema(Schema):
    """What the clinic did."""

    resolution = trimmed(2000, required=True)
