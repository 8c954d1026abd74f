"""Endpoints for video links, invites, the therapist's calendar feed and external calendars."""

from __future__ import annotations

from marshmallow import Schema, fields

from scheduling.schemas import instant


class JoinLinkSchema(Schema):
    """A personal, time-bound video link."""

    url = fields.String()
    opens_at = instant()
    expires_at = instant()
