"""Video links and the caller's own calendar invite for an appointment."""

from __future__ import annotations

import uuid

from sqlalchemy.orm import Session

from app.db.unit_of_work import unit_of_work
from app.directory.models import Clinic
from app.identity.service import Principal
from scheduling.appointments.access import visible_appointment
from scheduling.appointments.audit import audit_appointment_read
from scheduling.appointments.models import AppointmentStatus
from scheduling.calendars.ics import ENGLISH, Invite, invite_ics
from scheduling.calendars.notifications import MessageSettings, join_page, organizer_name
from scheduling.video.joining import participant_of


@unit_of_work
def own_invite(
    *, session: Session, principal: Principal, appointment_id: uuid.UUID, settings: MessageSettings
) -> bytes:
    """The caller's current invite: REQUEST while it stands, CANCEL once cancelled."""
    appointment = visible_appointment(principal, appointment_id, session=session)
    participant = participant_of(principal, appointment, session=session)
    audit_appointment_read(
        session=session, actor_id=principal.user.id, appointment=appointment, action="invite"
    )
    clinic = session.get_one(Clinic, appointment.clinic_id)
    cancelled = appointment.status is AppointmentStatus.CANCELLED
    return invite_ics(
        Invite(
            uid=appointment.ics_uid,
            sequence=appointment.ics_sequence,
            method="CANCEL" if cancelled else "REQUEST",
            starts_at=appointment.starts_at,
            ends_at=appointment.ends_at,
            organizer_name=organizer_name(clinic),
            organizer_email=settings.sender,
            recipient_name=participant.display_name,
            recipient_email=principal.user.email,
            join_page_url=join_page(settings, appointment.id),
            dtstamp=appointment.status_changed_at,
            words=ENGLISH.translated(settings.catalogs.translator(principal.user.locale).gettext),
        )
    )
