"""After booking: cancel (one or the rest of a series), and the therapist's session outcomes."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.directory.therapists import managed_therapist
from app.identity.service import Principal
from scheduling.appointments.access import visible_to
from scheduling.appointments.models import Appointment, AppointmentStatus


def list_appointments(
    *,
    session: Session,
    principal: Principal,
    start: datetime | None,
    end: datetime | None,
    status: AppointmentStatus | None,
) -> list[Appointment]:
    """The caller's appointments (an admin: their clinic's), soonest first."""
    query = visible_to(principal, session=session)
    if start is not None:
        query = query.where(Appointment.ends_at > start)
    if end is not None:
        query = query.where(Appointment.starts_at < end)
    if status is not None:
        query = query.where(Appointment.status == status)
    return list(session.scalars(query.order_by(Appointment.starts_at).limit(500)))


def therapist_schedule(
    *,
    session: Session,
    principal: Principal,
    therapist_id: uuid.UUID,
    start: datetime,
    end: datetime,
) -> list[Appointment]:
    """A therapist's appointments in a window (the therapist or their clinic's admin)."""
    managed_therapist(principal, therapist_id, session=session)
    return list(
        session.scalars(
            select(Appointment)
            .where(
                Appointment.therapist_id == therapist_id,
                Appointment.ends_at > start,
                Appointment.starts_at < end,
            )
            .order_by(Appointment.starts_at)
        )
    )
