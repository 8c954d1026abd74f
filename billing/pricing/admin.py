"""Setting prices and policy: the clinic's policy, session fees, agreed rates, copays, coverage.

Each write is one unit of work; the reads here check who may see a price. Someone who may not
see a clinic's, therapist's or session type's prices is told it does not exist (404).
"""

from __future__ import annotations

import enum
import re
import uuid
from dataclasses import dataclass
from typing import Any

from sqlalchemy import exists, or_, select
from sqlalchemy.orm import Session

from app.clock import utcnow
from app.db.unit_of_work import unit_of_work
from app.directory.clinics import get_clinic, managed_clinic
from app.directory.exceptions import ClinicNotFound, TherapistNotFound
from app.directory.models import TherapistProfile
from app.directory.therapists import get_therapist, may_manage
from app.exceptions import NotFound
from app.identity.models import Role
from app.identity.service import Principal
from app.vocabularies import INSURANCE_PLANS
from billing.exceptions import BillingError, InvalidPrice
from billing.money import MAX_AMOUNT, Money, is_currency
from billing.pricing.models import (
    AgreedRate,
    BillingPolicy,
    Collection,
    Coverage,
    FeeKind,
    InsuranceCopay,
    PaymentMethodKind,
    SessionFee,
)
from billing.pricing.service import billing_policy, coverage_of, session_price
from scheduling.appointments.access import client_profile_of
from scheduling.appointments.models import Appointment, GroupEnrollment
from scheduling.exceptions import SessionTypeNotFound
from scheduling.session_types.models import SessionType
from scheduling.session_types.service import offered_session_type

STRIPE_ACCOUNT = re.compile(r"acct_[A-Za-z0-9]{1,60}")
MAX_BASIS_POINTS = 10_000


class PriceNotFound(BillingError, NotFound):
    """No such fee, agreed rate or copay, or none the caller may see."""


class Basis(enum.StrEnum):
    """Which rule set a quoted price (in `session_price`'s order of precedence)."""

    COPAY = "copay"
    AGREED_RATE = "agreed_rate"
    SESSION_FEE = "session_fee"
    SELF_PAY_RATE = "self_pay_rate"


@dataclass(frozen=True)
class Price:
    """A stored price with the currency of the clinic it belongs to."""

    amount: int
    currency: str
    session_type_id: uuid.UUID | None = None
    therapist_id: uuid.UUID | None = None
    client_id: uuid.UUID | None = None
    insurance_plan: str | None = None


@dataclass(frozen=True)
class Quote:
    """What a client would pay for a session, why, and how the clinic collects it."""

    amount: int
    currency: str
    display: str
    basis: Basis
    collection: Collection


# The clinic's policy


def _check_fee(name: str, kind: FeeKind, value: int) -> None:
    if kind is FeeKind.SHARE and not 0 <= value <= MAX_BASIS_POINTS:
        raise InvalidPrice(
            "A share fee is in basis points, from 0 to 10000 (all of the session fee).",
            errors={f"{name}_value": [f"Must be between 0 and {MAX_BASIS_POINTS}."]},
        )
    if kind is FeeKind.FIXED and not 0 <= value <= MAX_AMOUNT:
        raise InvalidPrice(
            "A fixed fee is in minor units of the clinic's currency.",
            errors={f"{name}_value": [f"Must be between 0 and {MAX_AMOUNT}."]},
        )
    if kind is FeeKind.NONE and value != 0:
        raise InvalidPrice(
            "A fee of kind 'none' takes no value.",
            errors={f"{name}_value": ["Must be 0 when the kind is 'none'."]},
        )


def _check_policy(fields: dict[str, Any]) -> None:
    if not is_currency(fields["currency"]):
        raise InvalidPrice(
            f"{fields['currency']!r} is not an ISO 4217 currency code.",
            errors={"currency": ["Must be an ISO 4217 code such as USD or EUR."]},
        )
    _check_fee("late_cancel_fee", fields["late_cancel_fee_kind"], fields["late_cancel_fee_value"])
    _check_fee("no_show_fee", fields["no_show_fee_kind"], fields["no_show_fee_value"])
    account = fields["stripe_account_id"]
    if account is not None and not STRIPE_ACCOUNT.fullmatch(account):
        raise InvalidPrice(
            "The Stripe account is a connected account id such as acct_1Nv0FGQ9RKHgCVdK.",
            errors={"stripe_account_id": ["Must match ^acct_[A-Za-z0-9]{1,60}$ or be null."]},
        )
    if account is None and fields["platform_fee_basis_points"] != 0:
        raise InvalidPrice(
            "A platform fee is taken from a connected account's charges; set the account first.",
            errors={"platform_fee_basis_points": ["Must be 0 without a stripe_account_id."]},
        )


def viewable_policy(
    principal: Principal, clinic_id: uuid.UUID, *, session: Session
) -> BillingPolicy:
    """The clinic's billing policy, for its admins and therapists."""
    user = principal.user
    if user.role not in (Role.ADMIN, Role.THERAPIST) or user.clinic_id != clinic_id:
        raise ClinicNotFound("No clinic with this id among yours.")
    get_clinic(clinic_id, session=session)
    return billing_policy(clinic_id, session=session)


@unit_of_work
def set_billing_policy(
    *, session: Session, principal: Principal, clinic_id: uuid.UUID, fields: dict[str, Any]
) -> BillingPolicy:
    """Set every field of the clinic's billing policy, creating it the first time (admin)."""
    managed_clinic(principal, clinic_id, session=session)
    fields = {**fields, "currency": fields["currency"].strip().upper()}
    _check_policy(fields)
    policy = session.get(BillingPolicy, clinic_id)
    if policy is None:
        policy = billing_policy(clinic_id, session=session)
        session.add(policy)
    for name, value in fields.items():
        setattr(policy, name, value)
    return policy


def _check_amount(amount: int) -> None:
    if not 0 <= amount <= MAX_AMOUNT:
        raise InvalidPrice(
            "An amount is in minor units of the clinic's currency.",
            errors={"amount": [f"Must be between 0 and {MAX_AMOUNT}."]},
        )


# Session fees


def _priced_session_type(
    principal: Principal, session_type_id: uuid.UUID, *, session: Session
) -> SessionType:
    """The session type if the caller sets its fee: a clinic default by an admin of the clinic,
    a therapist's own type by the therapist or an admin of their clinic."""
    session_type = session.get(SessionType, session_type_id)
    user = principal.user
    if session_type is not None:
        if user.role is Role.ADMIN and user.clinic_id == session_type.clinic_id:
            return session_type
        if session_type.therapist_id is not None:
            therapist = session.get(TherapistProfile, session_type.therapist_id)
            if therapist is not None and may_manage(principal, therapist):
                return session_type
    raise SessionTypeNotFound("No session type with this id among those you price.")


def _fee_price(session_type: SessionType, fee: SessionFee, *, session: Session) -> Price:
    currency = billing_policy(session_type.clinic_id, session=session).currency
    return Price(fee.amount, currency, session_type_id=session_type.id)


def session_fee(principal: Principal, session_type_id: uuid.UUID, *, session: Session) -> Price:
    """The fee set for a session type (404 when none is: the self-pay rate applies)."""
    session_type = _priced_session_type(principal, session_type_id, session=session)
    fee = session.get(SessionFee, session_type.id)
    if fee is None:
        raise PriceNotFound("No fee is set for this session type; the self-pay rate applies.")
    return _fee_price(session_type, fee, session=session)


@unit_of_work
def set_session_fee(
    *, session: Session, principal: Principal, session_type_id: uuid.UUID, amount: int
) -> Price:
    """Set the fee of a session type (creating or replacing it)."""
    session_type = _priced_session_type(principal, session_type_id, session=session)
    _check_amount(amount)
    fee = session.get(SessionFee, session_type.id)
    if fee is None:
        fee = SessionFee(session_type_id=session_type.id, amount=amount)
        session.add(fee)
    fee.amount = amount
    return _fee_price(session_type, fee, session=session)


@unit_of_work
def remove_session_fee(
    *, session: Session, principal: Principal, session_type_id: uuid.UUID
) -> None:
    """Remove a session type's fee: the therapist's self-pay rate applies again."""
    session_type = _priced_session_type(principal, session_type_id, session=session)
    fee = session.get(SessionFee, session_type.id)
    if fee is None:
        raise PriceNotFound("No fee is set for this session type.")
    session.delete(fee)


# Agreed rates


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


def agreed_rate(
    principal: Principal, therapist_id: uuid.UUID, client_id: uuid.UUID, *, session: Session
) -> Price:
    """The rate the therapist agreed with the client (404 when none is set)."""
    therapist = _rating_therapist(principal, therapist_id, session=session)
    rate = session.get(AgreedRate, (therapist.id, client_id))
    if rate is None:
        raise PriceNotFound("No rate is agreed with this client.")
    return _rate_price(therapist, rate, session=session)


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


# Insurance copays


def _check_plan(insurance_plan: str) -> None:
    if insurance_plan not in INSURANCE_PLANS:
        raise InvalidPrice(
            f"{insurance_plan!r} is not a known insurance plan.",
            errors={"insurance_plan": [f"Allowed values: {', '.join(INSURANCE_PLANS)}."]},
        )


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
    _check_plan(insurance_plan)
    _check_amount(amount)
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
    _check_plan(insurance_plan)
    copay = session.get(InsuranceCopay, (clinic_id, insurance_plan))
    if copay is None:
        raise PriceNotFound("The clinic has no copay for this insurance plan.")
    session.delete(copay)


# Coverage and quotes (clients)


def own_coverage(principal: Principal, *, session: Session) -> Coverage:
    """How the caller pays (self-pay until they say otherwise; not added to the session)."""
    client = client_profile_of(principal, session=session)
    found = coverage_of(client.id, session=session)
    return found or Coverage(client_id=client.id, method=PaymentMethodKind.SELF_PAY)


@unit_of_work
def set_coverage(
    *,
    session: Session,
    principal: Principal,
    method: PaymentMethodKind,
    insurance_plan: str | None,
) -> Coverage:
    """Say how the caller pays: self-pay, or an insurance plan (which the plan then needs)."""
    client = client_profile_of(principal, session=session)
    if method is PaymentMethodKind.INSURANCE:
        if insurance_plan is None:
            raise InvalidPrice(
                "Insurance coverage needs the plan.",
                errors={"insurance_plan": ["Required when the method is 'insurance'."]},
            )
        _check_plan(insurance_plan)
    elif insurance_plan is not None:
        raise InvalidPrice(
            "Self-pay coverage has no insurance plan.",
            errors={"insurance_plan": ["Must be null when the method is 'self_pay'."]},
        )
    coverage = coverage_of(client.id, session=session)
    if coverage is None:
        coverage = Coverage(client_id=client.id)
        session.add(coverage)
    coverage.method, coverage.insurance_plan = method, insurance_plan
    return coverage


def price_basis(
    *,
    session: Session,
    therapist: TherapistProfile,
    client_id: uuid.UUID,
    session_type_id: uuid.UUID,
) -> Basis:
    """Which rule `session_price` applies, checked in its order of precedence."""
    coverage = coverage_of(client_id, session=session)
    plan = coverage.insurance_plan if coverage is not None else None
    if plan is not None and session.get(InsuranceCopay, (therapist.clinic_id, plan)) is not None:
        return Basis.COPAY
    if session.get(AgreedRate, (therapist.id, client_id)) is not None:
        return Basis.AGREED_RATE
    if session.get(SessionFee, session_type_id) is not None:
        return Basis.SESSION_FEE
    return Basis.SELF_PAY_RATE


def quote(
    principal: Principal,
    *,
    session: Session,
    therapist_id: uuid.UUID,
    session_type_id: uuid.UUID,
) -> Quote:
    """What the caller would pay for one session of this type with this therapist, and why."""
    client = client_profile_of(principal, session=session)
    therapist = get_therapist(therapist_id, session=session)
    session_type = offered_session_type(therapist, session_type_id, session=session)
    price = session_price(
        session=session, therapist=therapist, client_id=client.id, session_type_id=session_type.id
    )
    basis = price_basis(
        session=session, therapist=therapist, client_id=client.id, session_type_id=session_type.id
    )
    collection = billing_policy(therapist.clinic_id, session=session).collection
    return Quote(price.amount, price.currency, price.display(), basis, collection)
