"""Builders for paperwork tests: a practice with billing details, held sessions, payments."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

from sqlalchemy.orm import Session

from app.clock import utcnow
from app.directory.models import ClientProfile, Clinic, TherapistProfile
from app.encryption import FieldCipher
from app.identity.models import Role, User
from app.identity.security import Security
from app.identity.service import Principal
from billing.payments.models import Payment, PaymentStatus, Purpose
from billing.pricing.models import SessionFee
from scheduling.appointments.models import Appointment, AppointmentKind, AppointmentStatus
from scheduling.session_types.models import SessionType
from tests.factories import make_client, make_clinic, make_therapist, make_user
from tests.scheduling_factories import make_session_type

SESSION_FEE = 15_000  # USD 150.00
CIPHER = FieldCipher.derived_from("paperwork-tests-secret")


@dataclass
class Practice:
    """A clinic with one therapist, one 50-minute video session type and its fee."""

    clinic: Clinic
    therapist: TherapistProfile
    session_type: SessionType
    admin: User


def make_practice(
    session: Session, security: Security, clinic_name: str = "Harbor Counseling", **therapist: Any
) -> Practice:
    """A clinic with address and TIN, a credentialed therapist with NPI, and a priced type."""
    clinic = make_clinic(session, name=clinic_name)
    clinic.address = "1 Main St, Springfield, CA 90000"
    clinic.tax_id = "12-3456789"
    expiry = utcnow().date() + timedelta(days=365)
    fields: dict[str, Any] = {
        "display_name": "Dr. Ada Park",
        "credentials": "PhD, LCSW",
        "npi": "1234567893",
        "licenses": [("US-CA", expiry), ("US-NY", expiry)],
    }
    fields.update(therapist)
    profile = make_therapist(session, security, clinic, **fields)
    session_type = make_session_type(session, profile)
    session.add(SessionFee(session_type_id=session_type.id, amount=SESSION_FEE))
    admin = make_user(session, security, Role.ADMIN, clinic=clinic)
    session.commit()
    return Practice(clinic, profile, session_type, admin)


def make_billable_client(session: Session, security: Security, **fields: Any) -> ClientProfile:
    """A client with a legal name and date of birth on file."""
    values: dict[str, Any] = {"legal_name": "Jordan Lee", "date_of_birth": date(1990, 4, 2)}
    values.update(fields)
    return make_client(session, security, **values)


def held_session(
    session: Session,
    practice: Practice,
    client: ClientProfile,
    *,
    starts_at: datetime,
    minutes: int = 50,
    status: AppointmentStatus = AppointmentStatus.FULFILLED,
    **fields: Any,
) -> Appointment:
    """A one-to-one appointment placed directly (in the past, already held by default)."""
    appointment = Appointment(
        clinic_id=practice.clinic.id,
        therapist_id=practice.therapist.id,
        client_id=client.id,
        session_type_id=practice.session_type.id,
        kind=AppointmentKind.INDIVIDUAL,
        status=status,
        starts_at=starts_at,
        ends_at=starts_at + timedelta(minutes=minutes),
        block_starts_at=starts_at,
        block_ends_at=starts_at + timedelta(minutes=minutes + 10),
        created_by_id=client.user_id,
        status_changed_at=utcnow(),
        client_located_in=fields.pop("client_located_in", client.jurisdiction),
        **fields,
    )
    session.add(appointment)
    session.commit()
    return appointment


def pay(
    session: Session,
    appointment: Appointment,
    amount: int,
    *,
    captured: int | None = None,
    refunded: int = 0,
    purpose: Purpose = Purpose.SESSION,
    status: PaymentStatus = PaymentStatus.CAPTURED,
) -> Payment:
    """A payment for the appointment (captured in full unless told otherwise)."""
    assert appointment.client_id is not None
    payment = Payment(
        clinic_id=appointment.clinic_id,
        client_id=appointment.client_id,
        appointment_id=appointment.id,
        purpose=purpose,
        amount=amount,
        currency="USD",
        status=status,
        amount_captured=amount if captured is None else captured,
        amount_refunded=refunded,
    )
    session.add(payment)
    session.commit()
    return payment


def principal(user: User) -> Principal:
    """The caller as a view would see them."""
    return Principal(user=user, session_id=uuid.uuid4())


def days_ago(days: int, hour: int = 15) -> datetime:
    """A UTC instant on the hour, some days back."""
    day = (utcnow() - timedelta(days=days)).date()
    return datetime(day.year, day.month, day.day, hour, tzinfo=UTC)
