"""Who may see which appointment: participants and the admins of the therapist's clinic."""

from __future__ import annotations

import uuid

from sqlalchemy import Select, exists, select
from sqlalchemy.orm import Session

from app.directory.models import ClientProfile, TherapistProfile
from app.exceptions import PermissionDenied
from app.identity.exceptions import EmailNotVerified
from app.identity.models import Role
from app.identity.service import Principal
from scheduling.appointments.models import Appointment, EnrollmentStatus, GroupEnrollment
from scheduling.exceptions import AppointmentNotFound


def client_profile_of(
    principal: Principal, *, session: Session, lock: bool = False
) -> ClientProfile:
    """The caller's client profile (locked for the transaction when asked)."""
    if principal.role is not Role.CLIENT:
        raise PermissionDenied("Only clients can do this.")
    query = select(ClientProfile).where(ClientProfile.user_id == principal.user.id)
    if lock:
        query = query.with_for_update()
    profile = session.scalar(query)
    if profile is None:
        raise PermissionDenied("Complete your client profile first.")
    return profile


def booking_client_of(
    principal: Principal, *, session: Session, lock: bool = False
) -> ClientProfile:
    """The caller's client profile, once their email is verified (bookings send mail there)."""
    profile = client_profile_of(principal, session=session, lock=lock)
    if not principal.user.email_verified:
        raise EmailNotVerified(
            "Verify your email address before booking: open the link we emailed you, "
            "or ask for a new one.",
            errors={"email": ["Not verified yet."]},
        )
    return profile


def therapist_profile_of(principal: Principal, *, session: Session) -> TherapistProfile | None:
    """The caller's therapist profile, if they are a therapist."""
    if principal.role is not Role.THERAPIST:
        return None
    return session.scalar(
        select(TherapistProfile).where(TherapistProfile.user_id == principal.user.id)
    )


def visible_to(principal: Principal, *, session: Session) -> Select[Appointment]:
    """A select of the appointments the caller may see."""
    query = select(Appointment)
    user = principal.user
    if principal.role is Role.ADMIN:
        return query.where(Appointment.clinic_id == user.clinic_id)
    if principal.role is Role.THERAPIST:
        therapist = therapist_profile_of(principal, session=session)
        return query.where(Appointment.therapist_id == (therapist.id if therapist else None))
    client = session.scalar(select(ClientProfile.id).where(ClientProfile.user_id == user.id))
    enrolled = exists().where(
        GroupEnrollment.appointment_id == Appointment.id,
        GroupEnrollment.client_id == client,
        GroupEnrollment.status != EnrollmentStatus.LEFT,
    )
    return query.where((Appointment.client_id == client) | enrolled)


def visible_appointment(
    principal: Principal, appointment_id: uuid.UUID, *, session: Session, lock: bool = False
) -> Appointment:
    """The appointment if the caller may see it; otherwise it does not exist for them."""
    query = visible_to(principal, session=session).where(Appointment.id == appointment_id)
    if lock:
        query = query.with_for_update(of=Appointment)
    appointment = session.scalar(query)
    if appointment is None:
        raise AppointmentNotFound("No appointment with this id.")
    return appointment
