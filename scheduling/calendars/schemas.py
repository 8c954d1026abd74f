"""Endpoints for video links, invites, the therapist's calendar feed and external calendars."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from scheduling.calendars.models import ExternalSource
from scheduling.schemas import instant


class FeedUrlSchema(Schema):
    """The private subscription URL (shown once; rotate to revoke)."""

    url = fields.String()


class ExternalCalendarInSchema(Schema):
    """A calendar URL to subscribe to."""

    url = fields.String(
        required=True, validate=validate.Length(max=2000), metadata={"format": "uri"}
    )


class ExternalCalendarSchema(Schema):
    """An external calendar and how its last refresh went."""

    id = fields.UUID()
    source = fields.Enum(ExternalSource, by_value=True)
    url = fields.String(allow_none=True)
    created_at = instant()
    last_attempt_at = instant(allow_none=True)
    last_success_at = instant(allow_none=True)
    last_error = fields.String(allow_none=True)
    busy_count = fields.Integer()
