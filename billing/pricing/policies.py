"""The clinic's billing policy: who may read it, and setting it (checked) as one unit of work."""

from __future__ import annotations

import re
import uuid
from typing import Any

from sqlalchemy import update
from sqlalchemy.orm import Session

from app.db.unit_of_work import unit_of_work
from app.directory.clinics import get_clinic, managed_clinic
from app.directory.exceptions import ClinicNotFound
from app.directory.models import TherapistProfile
from app.identity.models import Role
from app.identity.service import Principal
from app.preconditions import Precondition, unconditional
from billing.exceptions import InvalidPrice
from billing.money import MAX_AMOUNT, is_currency
from billing.pricing.models import (
    BillingPolicy,
    FeeKind,
)
from billing.pricing.prices import (
    MAX_BASIS_POINTS,
)
from billing.pricing.repricing import check_currency_change
from billing.pricing.service import billing_policy

STRIPE_ACCOUNT = re.compile(r"acct_[A-Za-z0-9]{1,60}")


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
    *,
    session: Session,
    principal: Principal,
    clinic_id: uuid.UUID,
    fields: dict[str, Any],
    precondition: Precondition = unconditional,
) -> BillingPolicy:
    """Set every field of the clinic's billing policy, creating it the first time (admin)."""
    managed_clinic(principal, clinic_id, session=session, for_update=True)
    precondition(billing_policy(clinic_id, session=session))
    reprice = fields.pop("reprice", False)
    fields = {**fields, "currency": fields["currency"].strip().upper()}
    _check_policy(fields)
    policy = session.get(BillingPolicy, clinic_id)
    if policy is not None:  # the first policy declares the currency the prices were set in
        check_currency_change(
            session, clinic_id, policy.currency, fields["currency"], reprice=reprice
        )
    if policy is None:
        policy = billing_policy(clinic_id, session=session)
        session.add(policy)
    for name, value in fields.items():
        setattr(policy, name, value)
    # The directory shows each therapist's rate in the currency the clinic bills in.
    session.execute(
        update(TherapistProfile)
        .where(TherapistProfile.clinic_id == clinic_id)
        .values(currency=policy.currency)
        .execution_options(synchronize_session=False)
    )
    return policy
