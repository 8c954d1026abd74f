"""Turn domain events into the emails each person receives (invites, reminders, alerts)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from app.directory.models import ClientProfile, Clinic, TherapistProfile
from app.identity.models import Role, User
from scheduling.appointment_models import (
    Appointment,
    AppointmentKind,
    EnrollmentStatus,
    GroupEnrollment,
)
from scheduling.invites import Invite, invite_ics
from scheduling.outbox import OutboxMessage, OutboxStatus, enqueue

EMAIL = "email"
NEUTRAL_ORGANIZER = "Your care team"


@dataclass(frozen=True)
class MessageSettings:
    """What the emails need from configuration."""

    app_url: str
    sender: str
    reminder_offsets: tuple[int, ...]  # minutes before the start


@dataclass(frozen=True)
class Recipient:
    """One person an appointment's emails go to."""

    user_id: uuid.UUID
    name: str
    email: str
    timezone: str


def join_page(settings: MessageSettings, appointment_id: uuid.UUID | str) -> str:
    """The app's page for joining; the link carries no token."""
    return f"{settings.app_url}/appointments/{appointment_id}"


def organizer_name(clinic: Clinic) -> str:
    """The clinic's neutral calendar name, or a generic one."""
    return clinic.calendar_name or NEUTRAL_ORGANIZER


def _recipients(
    session: Session, appointment: Appointment, client_ids: list[str] | None
) -> list[Recipient]:
    therapist = session.get_one(TherapistProfile, appointment.therapist_id)
    people = [
        Recipient(
            therapist.user_id, therapist.display_name, therapist.user.email, therapist.timezone
        )
    ]
    if appointment.kind is AppointmentKind.GROUP:
        query = select(GroupEnrollment.client_id).where(
            GroupEnrollment.appointment_id == appointment.id,
            GroupEnrollment.status == EnrollmentStatus.ENROLLED,
        )
        member_ids = (
            [uuid.UUID(c) for c in client_ids]
            if client_ids is not None
            else list(session.scalars(query))
        )
        if client_ids is not None:
            people = []  # a member joining or leaving concerns that member only
    else:
        member_ids = [appointment.client_id]
    for client in session.scalars(select(ClientProfile).where(ClientProfile.id.in_(member_ids))):
        people.append(
            Recipient(client.user_id, client.display_name, client.user.email, client.timezone)
        )
    return people


def _when(instant: datetime, zone: str) -> str:
    return instant.astimezone(ZoneInfo(zone)).strftime("%A %d %B %Y, %H:%M (%Z)")


def fan_out_appointment_change(session: Session, payload: dict, settings: MessageSettings) -> None:
    """One invite email per recipient, and their reminders moved or dropped (no commit)."""
    appointment = session.get_one(Appointment, uuid.UUID(payload["appointment_id"]))
    clinic = session.get_one(Clinic, appointment.clinic_id)
    change, sequence = payload["change"], payload["sequence"]
    starts_at = datetime.fromisoformat(payload["starts_at"])
    ends_at = datetime.fromisoformat(payload["ends_at"])
    occurred_at = datetime.fromisoformat(payload["occurred_at"])
    method = "CANCEL" if change == "cancelled" else "REQUEST"
    organizer = organizer_name(clinic)
    link = join_page(settings, appointment.id)
    for person in _recipients(session, appointment, payload.get("client_ids")):
        invite = Invite(
            uid=appointment.ics_uid,
            sequence=sequence,
            method=method,
            starts_at=starts_at,
            ends_at=ends_at,
            organizer_name=organizer,
            organizer_email=settings.sender,
            recipient_name=person.name,
            recipient_email=person.email,
            join_page_url=link,
            dtstamp=occurred_at,
        )
        when = _when(starts_at, person.timezone)
        subject, text = {
            "booked": ("Appointment confirmed", f"Your appointment with {organizer} is on {when}."),
            "rescheduled": (
                "Appointment moved",
                f"Your appointment with {organizer} has moved to {when}.",
            ),
            "cancelled": (
                "Appointment cancelled",
                f"Your appointment with {organizer} on {when} has been cancelled.",
            ),
        }[change]
        enqueue(
            session,
            topic=EMAIL,
            dedupe_key=f"invite:{appointment.id}:{sequence}:{person.user_id}",
            payload={
                "to": person.email,
                "subject": f"{subject}: {when}",
                "text": f"{text}\n\nJoin or manage it in the app: {link}\n",
                "ics": invite_ics(invite).decode(),
                "method": method,
            },
        )
        _replace_reminders(
            session,
            appointment,
            person,
            settings,
            starts_at,
            occurred_at,
            sequence,
            keep=change != "cancelled",
            organizer=organizer,
        )


def _replace_reminders(
    session: Session,
    appointment: Appointment,
    person: Recipient,
    settings: MessageSettings,
    starts_at: datetime,
    occurred_at: datetime,
    sequence: int,
    *,
    keep: bool,
    organizer: str,
) -> None:
    prefix = f"reminder:{appointment.id}:{person.user_id}:"
    session.execute(
        delete(OutboxMessage).where(
            OutboxMessage.dedupe_key.startswith(prefix, autoescape=True),
            OutboxMessage.status == OutboxStatus.PENDING,
        )
    )
    if not keep:
        return
    link = join_page(settings, appointment.id)
    for minutes in settings.reminder_offsets:
        send_at = starts_at - timedelta(minutes=minutes)
        if send_at <= occurred_at:
            continue  # booked too late for this reminder: never send it
        when = _when(starts_at, person.timezone)
        enqueue(
            session,
            topic=EMAIL,
            available_at=send_at,
            dedupe_key=f"{prefix}{sequence}:{minutes}",
            payload={
                "to": person.email,
                "subject": f"Reminder: appointment {when}",
                "text": f"A reminder of your appointment with {organizer} on {when}.\n\n"
                f"Join in the app: {link}\n",
            },
        )


def fan_out_crisis_alert(session: Session, payload: dict, settings: MessageSettings) -> None:
    """Tell the admins of the clinics concerned that an intake needs urgent review."""
    admins = session.scalars(
        select(User).where(
            User.role == Role.ADMIN,
            User.deleted_at.is_(None),
            User.clinic_id.in_([uuid.UUID(c) for c in payload["clinic_ids"]]),
        )
    )
    for admin in admins:
        enqueue(
            session,
            topic=EMAIL,
            dedupe_key=f"alert:{payload['intake_id']}:{admin.id}",
            payload={
                "to": admin.email,
                "subject": "Urgent: a new client needs follow-up",
                "text": "A new client's answers need urgent follow-up today. Open the "
                f"clinic dashboard ({settings.app_url}) and use reference "
                f"{payload['intake_id']}.\n",
            },
        )
