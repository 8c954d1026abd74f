"""How a client pays (coverage), and what a session will cost them (a quote with its basis)."""

from __future__ import annotations

import uuid

from sqlalchemy.orm import Session

from app.audit import record_phi_access
from app.db.unit_of_work import unit_of_work
from app.directory.models import TherapistProfile
from app.directory.therapists import get_therapist
from app.identity.service import Principal
from billing.exceptions import InvalidPrice
from billing.pricing.models import (
    AgreedRate,
    Coverage,
    InsuranceCopay,
    PaymentMethodKind,
    SessionFee,
)
from billing.pricing.prices import (
    Basis,
    Quote,
    check_plan,
)
from billing.pricing.service import billing_policy, coverage_of, session_price
from scheduling.appointments.access import client_profile_of
from scheduling.session_types.service import offered_session_type


@unit_of_work
def own_coverage(principal: Principal, *, session: Session) -> Coverage:
    """How the caller pays (self-pay until they say otherwise; not added to the session)."""
    client = client_profile_of(principal, session=session)
    audit_coverage(session, principal, client.id, "read")
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
        check_plan(insurance_plan)
    elif insurance_plan is not None:
        raise InvalidPrice(
            "Self-pay coverage has no insurance plan.",
            errors={"insurance_plan": ["Must be null when the method is 'self_pay'."]},
        )
    audit_coverage(session, principal, client.id, "update")
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
    display = price.display_for(principal.user.locale)  # the client's way of writing money
    return Quote(price.amount, price.currency, display, basis, collection)


def audit_coverage(
    session: Session, principal: Principal, client_id: uuid.UUID, action: str
) -> None:
    """Insurance is health information: its reads and changes are audited."""
    record_phi_access(
        session=session,
        actor_id=principal.user.id,
        action=action,
        resource_type="coverage",
        resource_id=client_id,
        subject_client_id=client_id,
    )
