"""Superbills: what a client needs to claim held sessions from their insurer (never fees)."""

from __future__ import annotations

import uuid
from collections import defaultdict
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.audit import record_phi_access
from app.clock import utcnow
from app.db.unit_of_work import unit_of_work
from app.directory.models import ClientProfile, Clinic, TherapistProfile
from app.encryption import FieldCipher
from app.identity.service import Principal
from billing.paperwork.access import client_scope
from billing.paperwork.codes import describe, place_of_service, psychotherapy_code
from billing.paperwork.coding import decrypt_diagnoses, ensure_billable
from billing.paperwork.exceptions import NotBillable
from billing.paperwork.models import SessionCoding
from billing.paperwork.parties import Patient, Provider, patient_of, provider_of
from billing.paperwork.pdf import superbill_pdf
from billing.payments.models import Payment, Purpose
from billing.pricing.service import billing_policy, session_price
from scheduling.appointments.access import visible_appointment
from scheduling.appointments.models import Appointment, AppointmentKind, AppointmentStatus
from scheduling.session_types.models import SessionType

RESOURCE = "superbill"


@dataclass(frozen=True)
class SuperbillLine:
    """One held session: when, where, what was done and why, what it cost and what was paid."""

    appointment_id: uuid.UUID
    date_of_service: date
    minutes: int
    place_of_service: str
    modifier: str | None
    cpt_code: str
    description: str
    diagnosis_codes: list[str]
    fee: int
    paid: int
    currency: str


@dataclass(frozen=True)
class Superbill:
    """A client's held sessions with one provider."""

    patient: Patient
    provider: Provider
    lines: list[SuperbillLine]
    currency: str
    issued_at: datetime

    @property
    def total_fee(self) -> int:
        """Everything charged for the sessions listed."""
        return sum(line.fee for line in self.lines)

    @property
    def total_paid(self) -> int:
        """Everything the client paid for them."""
        return sum(line.paid for line in self.lines)


def _is_first_assessment(appointment: Appointment, *, session: Session) -> bool:
    """True for the client's first held session with this therapist."""
    first = session.scalar(
        select(func.min(Appointment.starts_at)).where(
            Appointment.client_id == appointment.client_id,
            Appointment.therapist_id == appointment.therapist_id,
            Appointment.status == AppointmentStatus.FULFILLED,
        )
    )
    return first is not None and appointment.starts_at <= first


def _fee_and_paid(
    appointment: Appointment,
    client: ClientProfile,
    therapist: TherapistProfile,
    *,
    session: Session,
) -> tuple[int, int, str]:
    """The session's fee and what was paid of it; late-cancel and no-show fees never count."""
    payment = session.scalar(
        select(Payment).where(
            Payment.appointment_id == appointment.id, Payment.purpose == Purpose.SESSION
        )
    )
    if payment is not None:
        paid = payment.amount_captured - payment.amount_refunded
        return payment.amount, paid, payment.currency
    price = session_price(
        session=session,
        therapist=therapist,
        client_id=client.id,
        session_type_id=appointment.session_type_id,
    )
    return price.amount, 0, price.currency


def _line(
    appointment: Appointment,
    coding: SessionCoding,
    *,
    session: Session,
    cipher: FieldCipher,
    client: ClientProfile,
    therapist: TherapistProfile,
    clinic: Clinic,
) -> SuperbillLine | None:
    """The superbill line of a coded, held session; None when it is too short to bill."""
    minutes = int((appointment.ends_at - appointment.starts_at) / timedelta(minutes=1))
    first = _is_first_assessment(appointment, session=session)
    cpt = psychotherapy_code(minutes, kind=coding.service_kind, first_assessment=first)
    if cpt is None:
        return None
    session_type = session.get(SessionType, appointment.session_type_id)
    place = place_of_service(session_type.format if session_type else "video")
    fee, paid, currency = _fee_and_paid(appointment, client, therapist, session=session)
    return SuperbillLine(
        appointment_id=appointment.id,
        date_of_service=service_date(appointment, clinic),
        minutes=minutes,
        place_of_service=place.code,
        modifier=place.modifier,
        cpt_code=cpt,
        description=describe(cpt),
        diagnosis_codes=decrypt_diagnoses(coding, cipher),
        fee=fee,
        paid=paid,
        currency=currency,
    )


def service_date(appointment: Appointment, clinic: Clinic) -> date:
    """The day of the session on the clinic's calendar."""
    return appointment.starts_at.astimezone(ZoneInfo(clinic.timezone)).date()


def _superbill(
    appointments: list[Appointment], client: ClientProfile, *, session: Session, cipher: FieldCipher
) -> Superbill | None:
    """One therapist's coded, billable sessions at one clinic (None if there are none)."""
    therapist = session.get_one(TherapistProfile, appointments[0].therapist_id)
    clinic = session.get_one(Clinic, appointments[0].clinic_id)
    lines = []
    for appointment in appointments:
        coding = session.get(SessionCoding, appointment.id)
        if coding is None:
            continue
        line = _line(
            appointment,
            coding,
            session=session,
            cipher=cipher,
            client=client,
            therapist=therapist,
            clinic=clinic,
        )
        if line is not None:
            lines.append(line)
    if not lines:
        return None
    last = max(appointments, key=lambda a: a.starts_at)
    provider = provider_of(
        therapist,
        clinic,
        jurisdiction=last.client_located_in or client.jurisdiction,
        on=service_date(last, clinic),
    )
    currency = billing_policy(clinic.id, session=session).currency
    return Superbill(patient_of(client), provider, lines, currency, utcnow())


def _audit(
    principal: Principal, appointment_id: uuid.UUID, client_id: uuid.UUID, *, session: Session
) -> None:
    record_phi_access(
        session=session,
        actor_id=principal.user.id,
        action="read",
        resource_type=RESOURCE,
        resource_id=appointment_id,
        subject_client_id=client_id,
        clinic_id=session.get_one(Appointment, appointment_id).clinic_id,
    )


def _one(
    principal: Principal, appointment_id: uuid.UUID, *, session: Session, cipher: FieldCipher
) -> Superbill:
    appointment = visible_appointment(principal, appointment_id, session=session)
    ensure_billable(appointment)
    client = session.get_one(ClientProfile, appointment.client_id)
    patient_of(client)  # the identity comes first: 422 tells the client what to add
    if session.get(SessionCoding, appointment.id) is None:
        raise NotBillable("The therapist has not coded this session yet.")
    bill = _superbill([appointment], client, session=session, cipher=cipher)
    if bill is None:
        raise NotBillable("The session was too short for a psychotherapy code (under 16 minutes).")
    _audit(principal, appointment.id, client.id, session=session)
    return bill


@unit_of_work
def appointment_superbill(
    *, session: Session, principal: Principal, cipher: FieldCipher, appointment_id: uuid.UUID
) -> Superbill:
    """The superbill of one held session (its client, therapist or clinic admin; audit-logged)."""
    return _one(principal, appointment_id, session=session, cipher=cipher)


@unit_of_work
def appointment_superbill_pdf(
    *, session: Session, principal: Principal, cipher: FieldCipher, appointment_id: uuid.UUID
) -> bytes:
    """The superbill of one held session as a PDF (audit-logged)."""
    return superbill_pdf(_one(principal, appointment_id, session=session, cipher=cipher))


@unit_of_work
def list_superbills(
    *,
    session: Session,
    principal: Principal,
    cipher: FieldCipher,
    client_id: uuid.UUID | None = None,
    start: date | None = None,
    end: date | None = None,
) -> list[Superbill]:
    """A client's superbills (one per therapist and clinic) for held sessions between two dates."""
    scope = client_scope(principal, client_id, session=session)
    patient_of(scope.client)
    query = select(Appointment).where(
        scope.appointments(),
        Appointment.kind == AppointmentKind.INDIVIDUAL,
        Appointment.status == AppointmentStatus.FULFILLED,
    )
    # A day's edges in any zone lie within a day of UTC midnight: filter exactly below.
    if start is not None:
        query = query.where(Appointment.starts_at >= _utc_midnight(start - timedelta(days=1)))
    if end is not None:
        query = query.where(Appointment.starts_at < _utc_midnight(end + timedelta(days=2)))
    groups: dict[tuple[uuid.UUID, uuid.UUID], list[Appointment]] = defaultdict(list)
    for appointment in session.scalars(query.order_by(Appointment.starts_at)):
        day = service_date(appointment, session.get_one(Clinic, appointment.clinic_id))
        if (start is None or day >= start) and (end is None or day <= end):
            groups[appointment.therapist_id, appointment.clinic_id].append(appointment)
    bills = []
    for appointments in groups.values():
        bill = _superbill(appointments, scope.client, session=session, cipher=cipher)
        if bill is not None:
            bills.append(bill)
            for line in bill.lines:
                _audit(principal, line.appointment_id, scope.client.id, session=session)
    if not bills:  # looking and finding nothing is still a look at the client's care
        record_phi_access(
            session=session,
            actor_id=principal.user.id,
            action="list",
            resource_type="superbills",
            resource_id=scope.client.id,
            subject_client_id=scope.client.id,
        )
    return bills


def _utc_midnight(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, tzinfo=UTC)
