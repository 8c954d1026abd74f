"""Demo billing (flask seed-demo): the first demo clinic collects at booking, with fees."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.directory.models import Clinic
from billing.pricing.models import BillingPolicy, Collection, FeeKind


def add_demo_billing(*, session: Session) -> int:
    """Make the oldest demo clinic charge at booking (the local provider approves every card)."""
    clinic = session.scalar(select(Clinic).order_by(Clinic.created_at, Clinic.name).limit(1))
    if clinic is None or session.get(BillingPolicy, clinic.id) is not None:
        return 0
    session.add(
        BillingPolicy(
            clinic_id=clinic.id,
            currency="USD",
            collection=Collection.AT_BOOKING,
            late_cancel_fee_kind=FeeKind.FIXED,
            late_cancel_fee_value=5_000,
            no_show_fee_kind=FeeKind.SHARE,
            no_show_fee_value=10_000,
        )
    )
    return 1
