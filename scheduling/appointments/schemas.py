"""Schemas of appointments, series and group sessions."""

from __future__ import annotations

from typing import Any

from marshmallow import Schema, fields, validate

from app.web.fields import jurisdiction_code, trimmed
from app.web.paging import PageQuerySchema, page_schema
from scheduling.appointments.models import (
    AppointmentKind,
    AppointmentStatus,
    PendingReason,
)
from scheduling.schemas import WindowQuerySchema, instant

REASON: dict[str, Any] = {"load_default": None, "allow_none": True}


class AppointmentEventSchema(Schema):
    """One change in the appointment's history."""

    at = instant()
    action = fields.String()
    from_status = fields.String(allow_none=True)
    to_status = fields.String()
    starts_at = instant()
    actor_user_id = fields.UUID(allow_none=True)


class AppointmentSchema(Schema):
    """An appointment as its participants and clinic see it."""

    id = fields.UUID()
    kind = fields.Enum(AppointmentKind, by_value=True)
    status = fields.Enum(AppointmentStatus, by_value=True)
    pending_reason = fields.Enum(PendingReason, by_value=True, allow_none=True)
    therapist_id = fields.UUID()
    client_id = fields.UUID(allow_none=True)
    clinic_id = fields.UUID()
    session_type_id = fields.UUID()
    series_id = fields.UUID(allow_none=True)
    starts_at = instant()
    ends_at = instant()
    hold_expires_at = instant(allow_none=True)
    capacity = fields.Integer()
    cancelled_by_role = fields.String(allow_none=True)
    cancellation_reason = fields.String(allow_none=True)
    late_cancellation = fields.Boolean()
    located_in = fields.String(
        attribute="client_located_in",
        allow_none=True,
        metadata={
            "description": "Where the client is for this session (licenses are checked there)"
        },
    )
    payment_due = fields.Boolean(
        metadata={
            "description": "The hold is confirmed by paying for it "
            "(POST /appointments/{id}/payment), not by /confirm"
        }
    )
    status_changed_at = instant()
    created_at = instant()
    events = fields.List(fields.Nested(AppointmentEventSchema))


class BookingSchema(Schema):
    """A slot to book (or hold while paying)."""

    therapist_id = fields.UUID(required=True)
    session_type_id = fields.UUID(required=True)
    start = instant(required=True)
    hold = fields.Boolean(
        load_default=False,
        metadata={
            "description": "Hold the slot (pending) while paying; confirm within the hold time"
        },
    )
    located_in = jurisdiction_code(
        load_default=None,
        metadata={
            "description": "Where you will be for the session (defaults to your profile's "
            "jurisdiction); the therapist must be licensed there. A match list says which "
            "jurisdiction it matched for (located_in): book with the same one."
        },
    )


class RescheduleSchema(Schema):
    """The new start."""

    start = instant(required=True)


class CancelSchema(Schema):
    """Why, and whether the rest of the series goes too."""

    reason = trimmed(500, **REASON)
    scope = fields.String(load_default="this", validate=validate.OneOf(["this", "following"]))


class DeclineSchema(Schema):
    """Why a request is declined."""

    reason = trimmed(500, **REASON)


class AppointmentQuerySchema(PageQuerySchema):
    """Filters and page of the caller's appointments."""

    series_id = fields.UUID(metadata={"description": "Only the occurrences of this series"})
    sort = fields.String(
        load_default="starts_at",
        validate=validate.OneOf(["starts_at", "-starts_at"]),
        metadata={"description": "starts_at: soonest first; -starts_at: latest first"},
    )
    start = instant()
    end = instant()
    status = fields.Enum(AppointmentStatus, by_value=True)


class SeriesRequestSchema(Schema):
    """A recurring booking."""

    therapist_id = fields.UUID(required=True)
    session_type_id = fields.UUID(required=True)
    first_start = instant(required=True)
    interval_weeks = fields.Integer(strict=True, load_default=1, validate=validate.OneOf([1, 2]))
    occurrences = fields.Integer(strict=True, required=True, validate=validate.Range(min=2, max=52))
    skip_conflicts = fields.Boolean(load_default=False)
    located_in = jurisdiction_code(
        load_default=None,
        metadata={"description": "Where you will be for these sessions (defaults to your profile)"},
    )


class SkippedSchema(Schema):
    """An occurrence that was not booked, and why."""

    start = fields.String()
    reason = fields.String()


class SeriesResultSchema(Schema):
    """What a series booking did."""

    series_id = fields.UUID(attribute="series.id")
    booked = fields.List(fields.Nested(AppointmentSchema))
    skipped = fields.List(fields.Nested(SkippedSchema))


class ScheduleQuerySchema(WindowQuerySchema, PageQuerySchema):
    """A window of a therapist's schedule, and the page of it."""


AppointmentPageSchema = page_schema(AppointmentSchema, "AppointmentPage")
