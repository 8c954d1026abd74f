"""Reading appointments: the caller's list, one appointment, a therapist's schedule (audited)."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.audit import record_list_read
from app.db.paging import Page, PageRequest, paginate
from app.db.unit_of_work import unit_of_work
from app.directory.therapists import managed_therapist
from app.identity.service import Principal
from scheduling.appointments.access import visible_appointment, visible_to
from scheduling.appointments.audit import audit_appointment_read
from scheduling.appointments.models import Appointment, AppointmentStatus


@unit_of_work
def list_appointments(
    *,
    session: Session,
    principal: Principal,
    start: datetime | None,
    end: datetime | None,
    status: AppointmentStatus | None,
    paging: PageRequest,
    series_id: uuid.UUID | None = None,
    latest_first: bool = False,
) -> Page[Appointment]:
    """One page of the caller's appointments (an admin: their clinic's), soonest first."""
    query = visible_to(principal, session=session)
    if start is not None:
        query = query.where(Appointment.ends_at > start)
    if end is not None:
        query = query.where(Appointment.starts_at < end)
    if status is not None:
        query = query.where(Appointment.status == status)
    if series_id is not None:
        query = query.where(Appointment.series_id == series_id)
    by_start = Appointment.starts_at.desc() if latest_first else Appointment.starts_at.asc()
    found = paginate(session, query.order_by(by_start, Appointment.id), paging)
    _audit_list(session, principal, found.items, scope_id=principal.user.id)
    return found


def _audit_list(
    session: Session, principal: Principal, found: list[Appointment], *, scope_id: uuid.UUID
) -> None:
    record_list_read(
        session=session,
        actor_id=principal.user.id,
        resource_type="appointments",
        subjects=((a.client_id, a.clinic_id) for a in found),
        scope_id=scope_id,
        scope_clinic_id=principal.user.clinic_id,
    )


@unit_of_work
def read_appointment(
    *, session: Session, principal: Principal, appointment_id: uuid.UUID
) -> Appointment:
    """One appointment the caller may see, with its history (audit-logged)."""
    appointment = visible_appointment(principal, appointment_id, session=session)
    audit_appointment_read(session=session, actor_id=principal.user.id, appointment=appointment)
    return appointment


@unit_of_work
def therapist_schedule(
    *,
    session: Session,
    principal: Principal,
    therapist_id: uuid.UUID,
    start: datetime,
    end: datetime,
    paging: PageRequest,
) -> Page[Appointment]:
    """A page of a therapist's appointments in a window (the therapist or their clinic's admin)."""
    managed_therapist(principal, therapist_id, session=session)
    query = (
        select(Appointment)
        .where(
            Appointment.therapist_id == therapist_id,
            Appointment.ends_at > start,
            Appointment.starts_at < end,
        )
        .order_by(Appointment.starts_at, Appointment.id)
    )
    found = paginate(session, query, paging)
    _audit_list(session, principal, found.items, scope_id=therapist_id)
    return found
