"""Schemas of appointments, series and group sessions."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from scheduling.appointments.models import (
    EnrollmentStatus,
)
from scheduling.appointments.schemas import AppointmentSchema
from scheduling.schemas import instant


class GroupCreateSchema(Schema):
    """A group session to host."""

    therapist_id = fields.UUID(required=True)
    session_type_id = fields.UUID(required=True)
    start = instant(required=True)
    capacity = fields.Integer(
        strict=True, load_default=None, allow_none=True, validate=validate.Range(min=1, max=50)
    )


class EnrollmentSchema(Schema):
    """A client's seat or waitlist place."""

    id = fields.UUID()
    appointment_id = fields.UUID(data_key="group_session_id")
    client_id = fields.UUID(
        allow_none=True, metadata={"description": "Not shown to a peer support group's host"}
    )
    status = fields.Enum(EnrollmentStatus, by_value=True)
    queued_at = instant()
    seated_at = instant(allow_none=True)


class PlaceSchema(EnrollmentSchema):
    """A place as the host or clinic sees it: with the member's alias in a support group."""

    alias = fields.String(allow_none=True)


class RosterSchema(Schema):
    """Enrolled and waitlisted members in queue order (a client sees only their own place)."""

    enrolled = fields.List(fields.Nested(PlaceSchema))
    waitlisted = fields.List(fields.Nested(PlaceSchema))


class GroupSessionSchema(Schema):
    """A group session with its roster (host and clinic) or the caller's own place (client)."""

    group = fields.Nested(AppointmentSchema)
    seats_taken = fields.Integer()
    waitlist_length = fields.Integer()
    roster = fields.Nested(RosterSchema)
