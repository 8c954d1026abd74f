"""Schemas of intakes and matches."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from app.web.fields import jurisdiction_code, trimmed
from matching.intake.schemas import ResourceSchema
from matching.ranking.effectiveness import DOMAINS
from scheduling.schemas import instant
from scheduling.support_groups.schemas import SupportGroupSchema


class MatchQuerySchema(Schema):
    """How many matches."""

    limit = fields.Integer(load_default=10, validate=validate.Range(min=1, max=50))


class DeclineMatchSchema(Schema):
    """Why a match does not suit."""

    therapist_id = fields.UUID(required=True)
    reason = trimmed(500, load_default=None, allow_none=True)


class OutcomeSchema(Schema):
    """How a match went."""

    therapist_id = fields.UUID(required=True)
    domain = fields.String(required=True, validate=validate.OneOf(DOMAINS))
    booked = fields.Boolean(required=True)
    sessions_attended = fields.Integer(
        strict=True, load_default=0, validate=validate.Range(min=0, max=500)
    )
    dropped_out = fields.Boolean(load_default=False)
    score_change = fields.Float(
        allow_none=True,
        load_default=None,
        validate=validate.Range(min=-27, max=27),
        metadata={"description": "Later score minus intake score"},
    )


class MatchedTherapistSchema(Schema):
    """The public face of a matched therapist."""

    id = fields.UUID()
    display_name = fields.String()
    pronouns = fields.String(allow_none=True)
    credentials = fields.String(allow_none=True)
    photo_url = fields.String(allow_none=True)


class MatchSchema(Schema):
    """One ranked therapist."""

    therapist = fields.Nested(MatchedTherapistSchema)
    score = fields.Float()
    reasons = fields.List(fields.String())
    next_openings = fields.List(instant())


class RelaxationSchema(Schema):
    """A constraint the client could relax, and what that would yield."""

    constraint = fields.String()
    suggestion = fields.String()
    therapists = fields.Integer()


class NoMatchSchema(Schema):
    """Why nothing fits, and which single change would help how much."""

    message = fields.String()
    therapists_without_openings = fields.Integer()
    relaxations = fields.List(fields.Nested(RelaxationSchema))


class GroupRecommendationSchema(Schema):
    """A support group the client could join, and why it is suggested."""

    group = fields.Nested(SupportGroupSchema, attribute="listing")
    reason = fields.String()


class MatchListSchema(Schema):
    """Ranked matches, or what to relax when none fit."""

    intake_id = fields.UUID()
    located_in = jurisdiction_code(
        metadata={
            "description": "The jurisdiction the client is in, which every match is licensed "
            "for; pass it as located_in when booking (POST /appointments)"
        },
    )
    high_risk = fields.Boolean()
    higher_level_of_care = fields.Boolean()
    crisis_resources = fields.List(fields.Nested(ResourceSchema), allow_none=True)
    model_version = fields.String()
    matches = fields.List(fields.Nested(MatchSchema))
    no_match = fields.Nested(NoMatchSchema, allow_none=True)
    groups = fields.List(
        fields.Nested(GroupRecommendationSchema),
        metadata={
            "description": "Groups on the intake's concerns (any joinable group when no "
            "therapist fits or has an opening); the first 10, soonest first"
        },
    )
    groups_total = fields.Integer(metadata={"description": "Every group recommended"})
