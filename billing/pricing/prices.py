"""What the pricing use cases return (a price and its basis), and the checks they share."""

from __future__ import annotations

import enum
import uuid
from dataclasses import dataclass

from app.vocabularies import INSURANCE_PLANS
from billing.exceptions import InvalidPrice
from billing.money import MAX_AMOUNT
from billing.pricing.models import (
    Collection,
)

MAX_BASIS_POINTS = 10_000


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


def check_amount(amount: int) -> None:
    """Refuse an amount outside 0 .. MAX_AMOUNT minor units."""
    if not 0 <= amount <= MAX_AMOUNT:
        raise InvalidPrice(
            "An amount is in minor units of the clinic's currency.",
            errors={"amount": [f"Must be between 0 and {MAX_AMOUNT}."]},
        )


def check_plan(insurance_plan: str) -> None:
    """Refuse a plan that is not in the insurance_plans vocabulary."""
    if insurance_plan not in INSURANCE_PLANS:
        raise InvalidPrice(
            f"{insurance_plan!r} is not a known insurance plan.",
            errors={"insurance_plan": [f"Allowed values: {', '.join(INSURANCE_PLANS)}."]},
        )
