"""The `appointment.changed` handler: one invite email per person, and their reminders moved."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from app.adapters import AdapterKey
from app.directory.models import ClientProfile, Clinic, TherapistProfile
from app.i18n.catalogs import Catalogs
from app.i18n.messages import Text, When, marked, message
from app.mail.delivery import queue_email
from app.outbox.models import OutboxMessage, OutboxStatus
from app.privacy import clinical_words_in
from scheduling.appointments.models import (
    Appointment,
    AppointmentKind,
    EnrollmentStatus,
    GroupEnrollment,
)
from scheduling.calendars.ics import ENGLISH, Invite, Method, invite_ics, one_line
from scheduling.support_groups.roster import alias_of

NEUTRAL_ORGANIZER = "Your care team"
ANONYMOUS_MEMBER = "Member"


@dataclass(frozen=True)
class MessageSettings:
    """What the emails need from configuration."""

    app_url: str
    sender: str
    reminder_offsets: tuple[int, ...]  # minutes before the start
    catalogs: Catalogs = field(default_factory=Catalogs)

    def __post_init__(self) -> None:
        """Refuse, when the app starts, an address every invite would carry a clinical word in."""
        for name in ("app_url", "sender"):
            found = clinical_words_in(getattr(self, name))
            if found:
                raise ValueError(f"{name} is written into every invite: {', '.join(found)}")


MESSAGES: AdapterKey[MessageSettings] = AdapterKey("appointment messages")


@dataclass(frozen=True)
class Recipient:
    """One person an appointment's emails go to."""

    user_id: uuid.UUID
    name: str
    email: str
    timezone: str
    locale: str


def join_page(settings: MessageSettings, appointment_id: uuid.UUID | str) -> str:
    """The app's page for joining; the link carries no token."""
    return f"{settings.app_url}/appointments/{appointment_id}"


def organizer_name(clinic: Clinic) -> str:
    """The clinic's calendar name (screened when entered) as one line, or a generic one."""
    return one_line(clinic.calendar_name or "") or NEUTRAL_ORGANIZER


def _recipients(
    session: Session, appointment: Appointment, client_ids: list[str] | None
) -> list[Recipient]:
    therapist = session.get_one(TherapistProfile, appointment.therapist_id)
    people = [
        Recipient(
            therapist.user_id,
            therapist.display_name,
            therapist.user.email,
            therapist.timezone,
            therapist.user.locale,
        )
    ]
    if appointment.kind is AppointmentKind.GROUP:
        query = select(GroupEnrollment.client_id).where(
            GroupEnrollment.appointment_id == appointment.id,
            GroupEnrollment.status == EnrollmentStatus.ENROLLED,
        )
        member_ids: list[uuid.UUID | None] = (
            [uuid.UUID(c) for c in client_ids]
            if client_ids is not None
            else list(session.scalars(query))
        )
        if client_ids:
            people = []  # a member joining or leaving concerns that member only
    else:
        member_ids = [appointment.client_id]
    for client in session.scalars(select(ClientProfile).where(ClientProfile.id.in_(member_ids))):
        if client.user.deleted_at is not None or not client.user.email_verified:
            continue  # an erased account's address is gone; an unproven one may be someone else's
        name = client.display_name
        if appointment.support_group_id is not None:  # a support group knows members by alias
            name = alias_of(session, appointment.support_group_id, client.id) or ANONYMOUS_MEMBER
        people.append(
            Recipient(client.user_id, name, client.user.email, client.timezone, client.locale)
        )
    return people


CHANGE_MAILS = {
    "booked": (
        marked("Appointment confirmed: %(when)s"),
        marked(
            "Your appointment with %(organizer)s is on %(when)s.\n\n"
            "Join or manage it in the app: %(link)s\n"
        ),
    ),
    "rescheduled": (
        marked("Appointment moved: %(when)s"),
        marked(
            "Your appointment with %(organizer)s has moved to %(when)s.\n\n"
            "Join or manage it in the app: %(link)s\n"
        ),
    ),
    "cancelled": (
        marked("Appointment cancelled: %(when)s"),
        marked(
            "Your appointment with %(organizer)s on %(when)s has been cancelled.\n\n"
            "See it in the app: %(link)s\n"
        ),
    ),
}


def change_mail(change: str, organizer: str, when: When, link: str) -> tuple[Text, Text]:
    """The subject and text telling one person of a change, as catalog messages."""
    subject, text = CHANGE_MAILS[change]
    return Text(subject, {"when": when}), Text(
        text, {"organizer": organizer, "when": when, "link": link}
    )


@dataclass(frozen=True)
class ChangeNotice:
    """The snapshot an `appointment.changed` message carries (see appointments.events)."""

    appointment: Appointment
    change: str
    sequence: int
    starts_at: datetime
    ends_at: datetime
    occurred_at: datetime
    organizer: str
    link: str


class AppointmentNotifier:
    """The handler of `appointment.changed`: invites and reminders for everyone concerned."""

    def __init__(self, settings: MessageSettings) -> None:
        self.settings = settings

    def __call__(self, message: OutboxMessage, *, session: Session) -> None:
        """One invite email per recipient, and their reminders moved or dropped."""
        payload = message.payload
        appointment = session.get(Appointment, uuid.UUID(payload["appointment_id"]))
        if appointment is None:
            return  # the appointment is gone: nobody is left to tell, so the message is done
        notice = ChangeNotice(
            appointment=appointment,
            change=payload["change"],
            sequence=payload["sequence"],
            starts_at=datetime.fromisoformat(payload["starts_at"]),
            ends_at=datetime.fromisoformat(payload["ends_at"]),
            occurred_at=datetime.fromisoformat(payload["occurred_at"]),
            organizer=organizer_name(session.get_one(Clinic, appointment.clinic_id)),
            link=join_page(self.settings, appointment.id),
        )
        for person in _recipients(session, appointment, payload.get("client_ids")):
            self._invite(session, notice, person)
            self._replace_reminders(session, notice, person)

    def _invite(self, session: Session, notice: ChangeNotice, person: Recipient) -> None:
        method: Method = "CANCEL" if notice.change == "cancelled" else "REQUEST"
        invite = Invite(
            uid=notice.appointment.ics_uid,
            sequence=notice.sequence,
            method=method,
            starts_at=notice.starts_at,
            ends_at=notice.ends_at,
            organizer_name=notice.organizer,
            organizer_email=self.settings.sender,
            recipient_name=person.name,
            recipient_email=person.email,
            join_page_url=notice.link,
            dtstamp=notice.occurred_at,
            words=ENGLISH.translated(self.settings.catalogs.translator(person.locale).gettext),
        )
        when = When(notice.starts_at, person.timezone)
        subject, text = change_mail(notice.change, notice.organizer, when, notice.link)
        queue_email(
            session=session,
            to=person.email,
            subject=subject,
            text=text,
            locale=person.locale,
            invite=(method, invite_ics(invite).decode()),
            dedupe_key=f"invite:{notice.appointment.id}:{notice.sequence}:{person.user_id}",
        )

    def _replace_reminders(self, session: Session, notice: ChangeNotice, person: Recipient) -> None:
        prefix = f"reminder:{notice.appointment.id}:{person.user_id}:"
        session.execute(
            delete(OutboxMessage).where(
                OutboxMessage.dedupe_key.startswith(prefix, autoescape=True),
                OutboxMessage.status == OutboxStatus.PENDING,
            )
        )
        if notice.change == "cancelled":
            return
        when = When(notice.starts_at, person.timezone)
        for minutes in self.settings.reminder_offsets:
            send_at = notice.starts_at - timedelta(minutes=minutes)
            if send_at <= notice.occurred_at:
                continue  # booked too late for this reminder: never send it
            queue_email(
                session=session,
                to=person.email,
                subject=message("Reminder: appointment %(when)s", when=when),
                text=message(
                    "A reminder of your appointment with %(organizer)s on %(when)s.\n\n"
                    "Join in the app: %(link)s\n",
                    organizer=notice.organizer,
                    when=when,
                    link=notice.link,
                ),
                locale=person.locale,
                send_at=send_at,
                dedupe_key=f"{prefix}{notice.sequence}:{minutes}",
            )
