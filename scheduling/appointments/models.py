"""Appointments (one-to-one and group), their history, series and group enrollments."""

from __future__ import annotations

import enum
import uuid
from datetime import datetime

from sqlalchemy import (
    CheckConstraint,
    Column,
    ColumnElement,
    ForeignKey,
    Index,
    String,
    and_,
    func,
    or_,
    text,
)
from sqlalchemy.dialects.postgresql import ExcludeConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.db.base import Base, Timestamps, UUIDPrimaryKey, enum_column
from app.db.unit_of_work import on_violation
from scheduling.exceptions import SlotTaken
from scheduling.video.providers import new_room_name


class AppointmentStatus(enum.StrEnum):
    """FHIR Appointment.status values used here."""

    PENDING = "pending"
    BOOKED = "booked"
    ARRIVED = "arrived"
    FULFILLED = "fulfilled"
    CANCELLED = "cancelled"
    NOSHOW = "noshow"


class PendingReason(enum.StrEnum):
    """Why an appointment is pending."""

    HOLD = "hold"  # the client holds the time while paying; it expires
    APPROVAL = "approval"  # the therapist must confirm; does not reserve the time


class AppointmentKind(enum.StrEnum):
    """One client, or a group session with enrollments."""

    INDIVIDUAL = "individual"
    GROUP = "group"


def new_ics_uid() -> str:
    """A calendar UID that is unique and says nothing about the appointment."""
    return f"{uuid.uuid4().hex}@appointments"


# The one statement of which appointments reserve the therapist's (and client's) time: booked
# or later, or held by a client until the hold expires (the next writer marks lapsed holds
# cancelled). Cancelled ones and approval requests reserve nothing. `reserves_time(now)` below
# is the query form; TAKES_TIME_SQL is the exclusion constraints' form, which cannot see the
# clock (it must stay byte-identical to what migration 0002 created).
_TAKES_TIME_ORDER = (
    AppointmentStatus.BOOKED,
    AppointmentStatus.ARRIVED,
    AppointmentStatus.FULFILLED,
    AppointmentStatus.NOSHOW,
)
TAKES_TIME_STATUSES = frozenset(_TAKES_TIME_ORDER)
TAKES_TIME_SQL = (
    "status IN ({}) ".format(", ".join(f"'{status}'" for status in _TAKES_TIME_ORDER))
    + f"OR (status = '{AppointmentStatus.PENDING}' AND pending_reason = '{PendingReason.HOLD}')"
)


class AppointmentSeries(UUIDPrimaryKey, Base):
    """A recurring booking: the same local time every one or two weeks."""

    __tablename__ = "appointment_series"

    therapist_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("therapist_profiles.id"))
    client_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("client_profiles.id"), index=True)
    session_type_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("session_types.id"))
    interval_weeks: Mapped[int]
    occurrences: Mapped[int]
    created_at: Mapped[datetime]


class Appointment(UUIDPrimaryKey, Timestamps, Base):
    """A therapist's reserved time with one client, or a group session."""

    __tablename__ = "appointments"
    __table_args__ = (
        CheckConstraint("starts_at < ends_at", name="range_valid"),
        CheckConstraint(
            "block_starts_at <= starts_at AND block_ends_at >= ends_at", name="block_covers_session"
        ),
        CheckConstraint("(kind = 'group') = (client_id IS NULL)", name="client_unless_group"),
        CheckConstraint(
            "(status = 'pending') = (pending_reason IS NOT NULL)", name="pending_has_reason"
        ),
        Index(None, "therapist_id", "block_starts_at"),
        Index(None, "client_id", "starts_at"),
        Index(None, "clinic_id", "starts_at"),  # clinic reports scan a clinic's window
        ExcludeConstraint(
            (Column("therapist_id"), "="),
            (func.tstzrange(Column("block_starts_at"), Column("block_ends_at")), "&&"),
            name="ex_appointments_therapist_time",
            using="gist",
            where=text(TAKES_TIME_SQL),
        ).ddl_if(dialect="postgresql"),
        ExcludeConstraint(
            (Column("client_id"), "="),
            (func.tstzrange(Column("starts_at"), Column("ends_at")), "&&"),
            name="ex_appointments_client_time",
            using="gist",
            where=text(f"client_id IS NOT NULL AND ({TAKES_TIME_SQL})"),
        ).ddl_if(dialect="postgresql"),
    )

    clinic_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("clinics.id"), index=True)
    therapist_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("therapist_profiles.id"))
    client_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("client_profiles.id"))
    session_type_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("session_types.id"))
    series_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("appointment_series.id"), index=True
    )
    kind: Mapped[AppointmentKind] = mapped_column(
        enum_column(AppointmentKind, "appointment_kind"), default=AppointmentKind.INDIVIDUAL
    )
    capacity: Mapped[int] = mapped_column(default=1)
    starts_at: Mapped[datetime]
    ends_at: Mapped[datetime]
    block_starts_at: Mapped[datetime]
    block_ends_at: Mapped[datetime]
    status: Mapped[AppointmentStatus] = mapped_column(
        enum_column(AppointmentStatus, "appointment_status")
    )
    pending_reason: Mapped[PendingReason | None] = mapped_column(
        enum_column(PendingReason, "pending_reason")
    )
    hold_expires_at: Mapped[datetime | None]
    created_by_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id"))
    status_changed_at: Mapped[datetime]
    status_changed_by_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("users.id"))
    cancelled_by_role: Mapped[str | None] = mapped_column(String(16))
    cancellation_reason: Mapped[str | None] = mapped_column(String(500))
    late_cancellation: Mapped[bool] = mapped_column(default=False)
    # Where the client is for this session (the license rule); None on group sessions.
    client_located_in: Mapped[str | None] = mapped_column(String(8))
    # a meeting of a support group (scheduling.support_groups), else none
    support_group_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("support_groups.id"), index=True
    )
    # A hold that only its payment can confirm (billing settles it); the client cannot.
    payment_due: Mapped[bool] = mapped_column(default=False)
    # Calendar identity: the UID never changes; SEQUENCE rises with every change sent out.
    ics_uid: Mapped[str] = mapped_column(String(120), unique=True, default=new_ics_uid)
    ics_sequence: Mapped[int] = mapped_column(default=0)
    video_room: Mapped[str] = mapped_column(String(80), unique=True, default=new_room_name)

    events: Mapped[list[AppointmentEvent]] = relationship(
        back_populates="appointment", order_by="AppointmentEvent.at", cascade="all, delete-orphan"
    )
    enrollments: Mapped[list[GroupEnrollment]] = relationship(
        back_populates="appointment",
        order_by="GroupEnrollment.queued_at",
        cascade="all, delete-orphan",
    )


def is_hold() -> ColumnElement[bool]:
    """SQL: the appointment is a client's hold (live or lapsed)."""
    return and_(
        Appointment.status == AppointmentStatus.PENDING,
        Appointment.pending_reason == PendingReason.HOLD,
    )


def live_hold(now: datetime) -> ColumnElement[bool]:
    """SQL: the appointment is a client's hold that has not expired at `now`."""
    return and_(is_hold(), Appointment.hold_expires_at > now)


def reserves_time(now: datetime) -> ColumnElement[bool]:
    """SQL: the appointment reserves its time at `now` (booked or later, or a live hold)."""
    return or_(Appointment.status.in_(TAKES_TIME_STATUSES), live_hold(now))


class AppointmentEvent(UUIDPrimaryKey, Base):
    """One change in an appointment's life: who, when, from which status to which."""

    __tablename__ = "appointment_events"

    appointment_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("appointments.id", ondelete="CASCADE"), index=True
    )
    at: Mapped[datetime]
    actor_user_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("users.id"))
    action: Mapped[str] = mapped_column(String(32))
    from_status: Mapped[str | None] = mapped_column(String(16))
    to_status: Mapped[str] = mapped_column(String(16))
    starts_at: Mapped[datetime]
    reason: Mapped[str | None] = mapped_column(String(500))

    appointment: Mapped[Appointment] = relationship(back_populates="events")


class EnrollmentStatus(enum.StrEnum):
    """A client's place in a group session."""

    ENROLLED = "enrolled"
    WAITLISTED = "waitlisted"
    LEFT = "left"


class GroupEnrollment(UUIDPrimaryKey, Base):
    """A client's seat (or waitlist place) in a group session."""

    __tablename__ = "group_enrollments"
    __table_args__ = (
        Index(
            "uq_group_enrollments_active_client",
            "appointment_id",
            "client_id",
            unique=True,
            sqlite_where=text("status <> 'left'"),
            postgresql_where=text("status <> 'left'"),
        ),
    )

    appointment_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("appointments.id", ondelete="CASCADE"), index=True
    )
    client_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("client_profiles.id"), index=True)
    status: Mapped[EnrollmentStatus] = mapped_column(
        enum_column(EnrollmentStatus, "enrollment_status")
    )
    queued_at: Mapped[datetime]
    seated_at: Mapped[datetime | None]
    left_at: Mapped[datetime | None]

    appointment: Mapped[Appointment] = relationship(back_populates="enrollments")


# The database's last word on double booking (PostgreSQL), as the error a user can act on.
on_violation(
    "ex_appointments_therapist_time",
    lambda: SlotTaken("That time was just taken; pick another slot."),
)
on_violation(
    "ex_appointments_client_time",
    lambda: SlotTaken("You already have an appointment at that time."),
)
