"""Reading prices and policy: a clinic's billing policy and what a client pays for a session."""

from __future__ import annotations

import uuid

from sqlalchemy.orm import Session

from app.directory.models import TherapistProfile
from billing.money import Money
from billing.payments.models import PLATFORM
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


def billing_policy(clinic_id: uuid.UUID, *, session: Session) -> BillingPolicy:
    """The clinic's policy, or the defaults (collect nothing, refund staff cancellations)."""
    policy = session.get(BillingPolicy, clinic_id)
    if policy is not None:
        return policy
    return BillingPolicy(
        clinic_id=clinic_id,
        currency="USD",
        collection=Collection.NONE,
        late_cancel_fee_kind=FeeKind.NONE,
        late_cancel_fee_value=0,
        no_show_fee_kind=FeeKind.NONE,
        no_show_fee_value=0,
        refund_staff_cancellations=True,
        stripe_account_id=None,
        platform_fee_basis_points=0,
        authorization_days=5,
    )


def account_of(policy: BillingPolicy) -> str:
    """The Stripe account charges are made on: the clinic's connected one, or the platform's."""
    return policy.stripe_account_id or PLATFORM


def coverage_of(client_id: uuid.UUID, *, session: Session) -> Coverage | None:
    """How the client said they pay, if they did."""
    return session.get(Coverage, client_id)


def is_self_pay(client_id: uuid.UUID, *, session: Session) -> bool:
    """Self-pay unless the client declared an insurance plan."""
    coverage = coverage_of(client_id, session=session)
    return coverage is None or coverage.method is PaymentMethodKind.SELF_PAY


def session_price(
    *,
    session: Session,
    therapist: TherapistProfile,
    client_id: uuid.UUID,
    session_type_id: uuid.UUID,
) -> Money:
    """What the client pays for one session of this type with this therapist.

    Insured clients pay the clinic's copay for their plan (when the clinic has one for it);
    everyone else pays their agreed rate with the therapist, else the session type's fee,
    else the therapist's self-pay rate.
    """
    policy = billing_policy(therapist.clinic_id, session=session)
    coverage = coverage_of(client_id, session=session)
    if coverage is not None and coverage.insurance_plan is not None:
        copay = session.get(InsuranceCopay, (therapist.clinic_id, coverage.insurance_plan))
        if copay is not None:
            return Money(copay.amount, policy.currency)
    agreed = session.get(AgreedRate, (therapist.id, client_id))
    if agreed is not None:
        return Money(agreed.amount, policy.currency)
    fee = session.get(SessionFee, session_type_id)
    if fee is not None:
        return Money(fee.amount, policy.currency)
    return Money(therapist.self_pay_rate_cents, policy.currency)
