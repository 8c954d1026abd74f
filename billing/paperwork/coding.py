"""Coding a held session: the therapist (or clinic admin) enters diagnoses and the service kind."""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.orm import Session

from app.audit import record_phi_access
from app.clock import utcnow
from app.db.unit_of_work import unit_of_work
from app.encryption import FieldCipher
from app.identity.models import Role
from app.identity.service import Principal
from billing.paperwork.codes import CodingError, ServiceKind, normalize_diagnoses
from billing.paperwork.exceptions import CodingNotFound, InvalidCoding, NotBillable
from billing.paperwork.models import SessionCoding
from scheduling.appointments.access import visible_appointment
from scheduling.appointments.models import Appointment, AppointmentKind, AppointmentStatus
from scheduling.exceptions import AppointmentNotFound

RESOURCE = "session_coding"


@dataclass(frozen=True)
class CodingView:
    """A session's coding with its diagnoses decrypted (only ever in a response)."""

    appointment_id: uuid.UUID
    diagnosis_codes: list[str]
    service_kind: ServiceKind
    coded_by_id: uuid.UUID
    coded_at: datetime


def encrypt_diagnoses(codes: list[str], cipher: FieldCipher) -> bytes:
    """The diagnosis list as stored."""
    return cipher.encrypt(json.dumps(codes))


def decrypt_diagnoses(coding: SessionCoding, cipher: FieldCipher) -> list[str]:
    """The diagnosis list of a stored coding."""
    codes: list[str] = json.loads(cipher.decrypt(coding.diagnoses_encrypted))
    return codes


def _view(coding: SessionCoding, cipher: FieldCipher) -> CodingView:
    return CodingView(
        appointment_id=coding.appointment_id,
        diagnosis_codes=decrypt_diagnoses(coding, cipher),
        service_kind=coding.service_kind,
        coded_by_id=coding.coded_by_id,
        coded_at=coding.coded_at,
    )


def _staff_appointment(
    principal: Principal, appointment_id: uuid.UUID, *, session: Session, lock: bool = False
) -> Appointment:
    """The appointment if the caller is its therapist or an admin of its clinic, else 404."""
    if principal.role not in (Role.THERAPIST, Role.ADMIN):
        raise AppointmentNotFound("No appointment with this id.")
    return visible_appointment(principal, appointment_id, session=session, lock=lock)


def ensure_billable(appointment: Appointment) -> None:
    """Only held one-to-one sessions are coded and billed."""
    if appointment.kind is not AppointmentKind.INDIVIDUAL or appointment.client_id is None:
        raise NotBillable("Group sessions are not coded or billed per client here.")
    if appointment.status is not AppointmentStatus.FULFILLED:
        raise NotBillable("Only a held session (marked complete) can be coded or billed.")


@unit_of_work
def record_coding(
    *,
    session: Session,
    principal: Principal,
    cipher: FieldCipher,
    appointment_id: uuid.UUID,
    diagnosis_codes: list[str],
    service_kind: ServiceKind,
) -> CodingView:
    """Enter or replace a held session's diagnoses and service kind (audit-logged)."""
    appointment = _staff_appointment(principal, appointment_id, session=session, lock=True)
    ensure_billable(appointment)
    try:
        codes = normalize_diagnoses(diagnosis_codes)
    except CodingError as exc:
        raise InvalidCoding(str(exc), errors={"diagnosis_codes": [str(exc)]}) from exc
    coding = session.get(SessionCoding, appointment.id)
    if coding is None:
        coding = SessionCoding(appointment_id=appointment.id)
        session.add(coding)
    coding.diagnoses_encrypted = encrypt_diagnoses(codes, cipher)
    coding.service_kind = service_kind
    coding.coded_by_id = principal.user.id
    coding.coded_at = utcnow()
    session.flush()
    record_phi_access(
        session=session,
        actor_id=principal.user.id,
        action="update",
        resource_type=RESOURCE,
        resource_id=appointment.id,
        subject_client_id=appointment.client_id,
        clinic_id=appointment.clinic_id,
    )
    return _view(coding, cipher)


@unit_of_work
def read_coding(
    *, session: Session, principal: Principal, cipher: FieldCipher, appointment_id: uuid.UUID
) -> CodingView:
    """A session's coding (its therapist or a clinic admin; audit-logged)."""
    appointment = _staff_appointment(principal, appointment_id, session=session)
    coding = session.get(SessionCoding, appointment.id)
    if coding is None:
        raise CodingNotFound("This session has not been coded yet.")
    record_phi_access(
        session=session,
        actor_id=principal.user.id,
        action="read",
        resource_type=RESOURCE,
        resource_id=appointment.id,
        subject_client_id=appointment.client_id,
        clinic_id=appointment.clinic_id,
    )
    return _view(coding, cipher)
