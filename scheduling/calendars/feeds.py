"""A therapist's private calendar subscription: rotate its token, render its feed."""

from __future__ import annotations

import uuid
from datetime import timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.audit import record_list_read
from app.clock import utcnow
from app.db.unit_of_work import unit_of_work
from app.directory.models import TherapistProfile
from app.directory.therapists import managed_therapist
from app.identity.service import Principal
from app.identity.tokens import digest, new_opaque_token
from scheduling.appointments.models import Appointment, AppointmentStatus
from scheduling.calendars.ics import FeedEvent, calendar_feed_ics
from scheduling.calendars.models import CalendarFeed
from scheduling.calendars.notifications import MessageSettings, join_page
from scheduling.exceptions import AppointmentNotFound

FEED_PAST = timedelta(days=30)
FEED_AHEAD = timedelta(days=180)


@unit_of_work
def rotate_feed_token(*, session: Session, principal: Principal, therapist_id: uuid.UUID) -> str:
    """Issue a new feed token (the old URL stops working); returned once, stored as a digest."""
    managed_therapist(principal, therapist_id, session=session)
    token = new_opaque_token()
    feed = session.get(CalendarFeed, therapist_id)
    if feed is None:
        feed = CalendarFeed(therapist_id=therapist_id)
        session.add(feed)
    feed.token_hash, feed.rotated_at = digest(token), utcnow()
    return token


@unit_of_work
def feed_for_token(*, session: Session, token: str, settings: MessageSettings) -> bytes:
    """The feed of the therapist whose token this is: recent and upcoming appointments."""
    therapist_id = session.scalar(
        select(CalendarFeed.therapist_id).where(CalendarFeed.token_hash == digest(token))
    )
    if therapist_id is None:
        raise AppointmentNotFound("No calendar feed at this address.")
    therapist = session.get_one(TherapistProfile, therapist_id)
    now = utcnow()
    appointments = list(
        session.scalars(
            select(Appointment)
            .where(
                Appointment.therapist_id == therapist_id,
                Appointment.ends_at > now - FEED_PAST,
                Appointment.starts_at < now + FEED_AHEAD,
            )
            .order_by(Appointment.starts_at)
        )
    )
    record_list_read(  # the feed is read by the therapist's calendar app, on their behalf
        session=session,
        actor_id=therapist.user_id,
        resource_type="calendar_feed",
        subjects=((a.client_id, a.clinic_id) for a in appointments),
        scope_id=therapist.id,
        scope_clinic_id=therapist.clinic_id,
    )
    events = [
        FeedEvent(
            uid=a.ics_uid,
            sequence=a.ics_sequence,
            starts_at=a.starts_at,
            ends_at=a.ends_at,
            title="Group session" if a.client_id is None else "Appointment",
            join_page_url=join_page(settings, a.id),
            cancelled=a.status is AppointmentStatus.CANCELLED,
        )
        for a in appointments
        if a.status is not AppointmentStatus.PENDING
        # a released hold was never announced: it has no place in anyone's calendar
        and not (a.status is AppointmentStatus.CANCELLED and a.ics_sequence == 0)
    ]
    return calendar_feed_ics("Appointments", events, dtstamp=now)
