"""A client's consent, as their therapist or their clinic's admin sees it."""

from __future__ import annotations

import uuid

from sqlalchemy import exists, select
from sqlalchemy.orm import Session

from app.audit import record_phi_access
from app.consent.service import DocumentStatus, statuses
from app.db.unit_of_work import unit_of_work
from app.identity.models import Role
from app.identity.service import Principal
from scheduling.appointments.access import therapist_profile_of
from scheduling.appointments.models import Appointment
from scheduling.exceptions import AppointmentNotFound


@unit_of_work
def client_consents(
    *, session: Session, principal: Principal, client_id: uuid.UUID
) -> list[DocumentStatus]:
    """The clinic's current documents and whether the client accepted each (audit-logged).

    Only the client's therapists (any appointment, past or future) and their clinic's admins
    may ask; to anyone else the client does not exist (404).
    """
    clinic_id = principal.user.clinic_id
    if principal.role is Role.THERAPIST:
        therapist = therapist_profile_of(principal, session=session)
        theirs = Appointment.therapist_id == (therapist.id if therapist else None)
    elif principal.role is Role.ADMIN:
        theirs = Appointment.clinic_id == clinic_id
    else:
        theirs = None
    if (
        theirs is None
        or clinic_id is None
        or not session.scalar(select(exists().where(theirs, Appointment.client_id == client_id)))
    ):
        raise AppointmentNotFound("No client with this id.")
    record_phi_access(
        session=session,
        actor_id=principal.user.id,
        action="read",
        resource_type="consents",
        resource_id=client_id,
        subject_client_id=client_id,
        clinic_id=clinic_id,
    )
    return statuses(client_id, clinic_id, session=session)
