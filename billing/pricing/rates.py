"""Agreed rates (within the therapist's sliding scale) and the clinic's insurance copays."""

from __future__ import annotations

import uuid

from sqlalchemy import exists, or_, select
from sqlalchemy.orm import Session

from app.audit import record_phi_access
from app.clock import utcnow
from app.db.unit_of_work import unit_of_work
from app.directory.clinics import managed_clinic
from app.directory.exceptions import TherapistNotFound
from app.directory.models import TherapistProfile
from app.directory.therapists import get_therapist, may_manage
from app.identity.service import Principal
from billing.exceptions import InvalidPrice, PriceNotFound
from billing.money import Money
from billing.pricing.models import (
    AgreedRate,
    InsuranceCopay,
)
from billing.pricing.policies import viewable_policy
from billing.pricing.prices import (
    Price,
    check_amount,
    check_plan,
)
from billing.pricing.service import billing_policy
from scheduling.appointments.models import Appointment, GroupEnrollment


def _rating_therapist(
    principal: Principal, therapist_id: uuid.UUID, *, session: Session
) -> TherapistProfile:
    therapist = get_therapist(therapist_id, session=session)
    if not may_manage(principal, therapist):
        raise TherapistNotFound("No therapist with this id among those you manage.")
    return therapist


def _check_has_seen(therapist: TherapistProfile, client_id: uuid.UUID, *, session: Session) -> None:
    """Only a client who has (or had) an appointment with the therapist gets a rate."""
    enrolled = (
        select(GroupEnrollment.appointment_id)
        .where(GroupEnrollment.client_id == client_id)
        .scalar_subquery()
    )
    seen = session.scalar(
        select(
            exists().where(
                Appointment.therapist_id == therapist.id,
                or_(Appointment.client_id == client_id, Appointment.id.in_(enrolled)),
            )
        )
    )
    if not seen:
        raise PriceNotFound("No client with this id has an appointment with this therapist.")


def _check_sliding_scale(therapist: TherapistProfile, amount: int, currency: str) -> None:
    ceiling = therapist.self_pay_rate_cents
    floor = therapist.sliding_scale_min_cents
    top = Money(ceiling, currency).display()
    if floor is None:
        if amount != ceiling:
            raise InvalidPrice(
                f"This therapist has no sliding scale, so the only rate is their self-pay "
                f"rate ({top}); an admin sets sliding_scale_min_cents to allow lower rates.",
                errors={"amount": [f"Must be {ceiling}."]},
            )
        return
    if not floor <= amount <= ceiling:
        bottom = Money(floor, currency).display()
        raise InvalidPrice(
            f"The rate must be within the therapist's sliding scale, from {bottom} to {top}.",
            errors={"amount": [f"Must be between {floor} and {ceiling}."]},
        )


def _rate_price(therapist: TherapistProfile, rate: AgreedRate, *, session: Session) -> Price:
    currency = billing_policy(therapist.clinic_id, session=session).currency
    return Price(rate.amount, currency, therapist_id=therapist.id, client_id=rate.client_id)


@unit_of_work
def agreed_rate(
    principal: Principal, therapist_id: uuid.UUID, client_id: uuid.UUID, *, session: Session
) -> Price:
    """The rate the therapist agreed with the client (404 when none is set; audit-logged)."""
    therapist = _rating_therapist(principal, therapist_id, session=session)
    rate = session.get(AgreedRate, (therapist.id, client_id))
    if rate is None:
        raise PriceNotFound("No rate is agreed with this client.")
    _audit(session, principal, "read", therapist, client_id)
    return _rate_price(therapist, rate, session=session)


def _audit(
    session: Session,
    principal: Principal,
    action: str,
    therapist: TherapistProfile,
    client_id: uuid.UUID,
) -> None:
    """An agreed rate says that a person is the therapist's client: audited like care."""
    record_phi_access(
        session=session,
        actor_id=principal.user.id,
        action=action,
        resource_type="agreed_rate",
        resource_id=therapist.id,
        subject_client_id=client_id,
        clinic_id=therapist.clinic_id,
    )


@unit_of_work
def set_agreed_rate(
    *,
    session: Session,
    principal: Principal,
    therapist_id: uuid.UUID,
    client_id: uuid.UUID,
    amount: int,
) -> Price:
    """Agree a rate with a client of the therapist, within the therapist's sliding scale."""
    therapist = _rating_therapist(principal, therapist_id, session=session)
    _check_has_seen(therapist, client_id, session=session)
    currency = billing_policy(therapist.clinic_id, session=session).currency
    _check_sliding_scale(therapist, amount, currency)
    rate = session.get(AgreedRate, (therapist.id, client_id))
    if rate is None:
        rate = AgreedRate(therapist_id=therapist.id, client_id=client_id)
        session.add(rate)
    rate.amount, rate.set_by_id, rate.set_at = amount, principal.user.id, utcnow()
    _audit(session, principal, "update", therapist, client_id)
    return _rate_price(therapist, rate, session=session)


@unit_of_work
def remove_agreed_rate(
    *, session: Session, principal: Principal, therapist_id: uuid.UUID, client_id: uuid.UUID
) -> None:
    """Remove an agreed rate: the session fee or self-pay rate applies again."""
    therapist = _rating_therapist(principal, therapist_id, session=session)
    rate = session.get(AgreedRate, (therapist.id, client_id))
    if rate is None:
        raise PriceNotFound("No rate is agreed with this client.")
    session.delete(rate)
    _audit(session, principal, "delete", therapist, client_id)


# Insurance copays


def copays(principal: Principal, clinic_id: uuid.UUID, *, session: Session) -> list[Price]:
    """The clinic's copays by plan, for its admins and therapists."""
    currency = viewable_policy(principal, clinic_id, session=session).currency
    rows = session.scalars(
        select(InsuranceCopay)
        .where(InsuranceCopay.clinic_id == clinic_id)
        .order_by(InsuranceCopay.insurance_plan)
    )
    return [Price(row.amount, currency, insurance_plan=row.insurance_plan) for row in rows]


@unit_of_work
def set_copay(
    *,
    session: Session,
    principal: Principal,
    clinic_id: uuid.UUID,
    insurance_plan: str,
    amount: int,
) -> Price:
    """Set what clients on an insurance plan pay the clinic per session (admin)."""
    managed_clinic(principal, clinic_id, session=session)
    check_plan(insurance_plan)
    check_amount(amount)
    copay = session.get(InsuranceCopay, (clinic_id, insurance_plan))
    if copay is None:
        copay = InsuranceCopay(clinic_id=clinic_id, insurance_plan=insurance_plan)
        session.add(copay)
    copay.amount = amount
    currency = billing_policy(clinic_id, session=session).currency
    return Price(amount, currency, insurance_plan=insurance_plan)


@unit_of_work
def remove_copay(
    *, session: Session, principal: Principal, clinic_id: uuid.UUID, insurance_plan: str
) -> None:
    """Remove a plan's copay: its clients pay as self-pay clients do (admin)."""
    managed_clinic(principal, clinic_id, session=session)
    check_plan(insurance_plan)
    copay = session.get(InsuranceCopay, (clinic_id, insurance_plan))
    if copay is None:
        raise PriceNotFound("The clinic has no copay for this insurance plan.")
    session.delete(copay)
