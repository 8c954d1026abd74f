"""Checks every booking path shares: license, intake of new clients, slot, client's own time."""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import exists, select
from sqlalchemy.orm import Session

from app.directory.models import ClientProfile, TherapistProfile
from app.jurisdictions import license_covers, place_name
from scheduling.appointments.models import (
    TAKES_TIME_STATUSES,
    Appointment,
    AppointmentStatus,
    EnrollmentStatus,
    GroupEnrollment,
    reserves_time,
)
from scheduling.exceptions import NotAcceptingClients, NotBookable, NotLicensedThere, SlotTaken
from scheduling.session_types.models import SessionType
from scheduling.session_types.service import slot_policy
from scheduling.slots.engine import BusyTimeline, is_bookable
from scheduling.slots.inputs import availabilities, busy_intervals


def check_license(
    therapist: TherapistProfile,
    client: ClientProfile,
    start: datetime,
    *,
    located_in: str | None = None,
) -> None:
    """The therapist must be licensed where the client is for the session (default: profile)."""
    where = located_in or client.jurisdiction
    if therapist.peer_facilitator:
        raise NotLicensedThere(
            "A peer facilitator leads peer support groups and does not give therapy sessions.",
            errors={"therapist_id": ["A peer facilitator, not a licensed therapist."]},
        )
    session_date = start.astimezone(ZoneInfo(client.timezone)).date()
    if not any(
        license_covers(lic.jurisdiction, where) and lic.valid_on(session_date)
        for lic in therapist.licenses
    ):
        raise NotLicensedThere(
            f"This therapist is not licensed in {place_name(where)} on {session_date}, where "
            "you are located.",
            errors={"therapist_id": [f"No valid license in {where}."]},
        )


def check_accepting(
    therapist: TherapistProfile, client: ClientProfile, *, session: Session
) -> None:
    """A therapist who takes no new clients still sees the clients they already have."""
    if therapist.accepting_new_clients:
        return
    existing = session.scalar(
        select(
            exists().where(
                Appointment.therapist_id == therapist.id,
                Appointment.client_id == client.id,
                Appointment.status.in_(TAKES_TIME_STATUSES),
            )
        )
    )
    if not existing:
        raise NotAcceptingClients("This therapist is not accepting new clients.")


def check_slot(
    *,
    session: Session,
    therapist: TherapistProfile,
    session_type: SessionType,
    start: datetime,
    now: datetime,
    ignore: uuid.UUID | None = None,
) -> None:
    """The start must be one the slot engine lists; say why when it is not."""
    policy = slot_policy(session_type)
    availability = availabilities(
        [therapist], session=session, start=start.date(), end=start.date()
    )[therapist.id]
    busy = busy_intervals(
        [therapist.id],
        session=session,
        start=start,
        end=start + policy.duration,
        now=now,
        ignore_appointment=ignore,
    ).get(therapist.id, [])
    if is_bookable(availability, policy, busy, start=start, now=now):
        return
    if start < now + policy.min_notice:
        hours = policy.min_notice / timedelta(hours=1)
        raise NotBookable(
            f"Sessions need at least {hours:g} hours' notice.",
            errors={"start": [f"Must be at least {hours:g} hours from now."]},
        )
    if start > now + policy.horizon:
        raise NotBookable(
            f"Sessions can be booked at most {policy.horizon.days} days ahead.",
            errors={"start": [f"Must be within {policy.horizon.days} days."]},
        )
    if is_bookable(availability, policy, [], start=start, now=now):
        raise SlotTaken("That time is no longer free; pick another slot.")
    raise NotBookable(
        "That time is not an offered slot (outside the therapist's hours or off the slot grid).",
        errors={"start": ["Not one of the listed slots; see GET /therapists/{id}/slots."]},
    )


def check_still_free(appointment: Appointment, *, session: Session, now: datetime) -> None:
    """Nothing else may reserve the appointment's block (used when approving a request)."""
    busy = busy_intervals(
        [appointment.therapist_id],
        session=session,
        start=appointment.block_starts_at,
        end=appointment.block_ends_at,
        now=now,
        ignore_appointment=appointment.id,
    ).get(appointment.therapist_id, [])
    if BusyTimeline(busy).overlaps(appointment.block_starts_at, appointment.block_ends_at):
        raise SlotTaken("That time has been taken since the request was made.")


def check_client_free(
    *,
    session: Session,
    client: ClientProfile,
    start: datetime,
    end: datetime,
    now: datetime,
    ignore: uuid.UUID | None = None,
) -> None:
    """The client must not already have a session overlapping this one."""
    query = select(Appointment.id).where(
        Appointment.client_id == client.id,
        Appointment.starts_at < end,
        Appointment.ends_at > start,
        reserves_time(now),
    )
    if ignore is not None:
        query = query.where(Appointment.id != ignore)
    in_group = (
        select(GroupEnrollment.id)
        .join(Appointment, Appointment.id == GroupEnrollment.appointment_id)
        .where(
            GroupEnrollment.client_id == client.id,
            GroupEnrollment.status == EnrollmentStatus.ENROLLED,
            Appointment.status == AppointmentStatus.BOOKED,
            Appointment.starts_at < end,
            Appointment.ends_at > start,
        )
    )
    if session.scalar(query.limit(1)) is not None or session.scalar(in_group.limit(1)):
        raise SlotTaken("You already have an appointment at that time.")
