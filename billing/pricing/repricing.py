"""What holds amounts in a clinic's currency: a currency change must not silently re-read them."""

from __future__ import annotations

import uuid

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from app.directory.models import TherapistProfile
from billing.exceptions import CurrencyInUse
from billing.pricing.models import AgreedRate, InsuranceCopay, SessionFee
from scheduling.session_types.models import SessionType


def stored_prices(session: Session, clinic_id: uuid.UUID) -> dict[str, int]:
    """How many amounts the clinic keeps in its currency, by kind (zero kinds left out)."""
    in_clinic = TherapistProfile.clinic_id == clinic_id
    counts = {
        "therapist_rates": session.scalar(
            select(func.count()).where(
                in_clinic,
                or_(
                    TherapistProfile.self_pay_rate_cents > 0,
                    TherapistProfile.sliding_scale_min_cents.is_not(None),
                ),
            )
        ),
        "session_fees": session.scalar(
            select(func.count())
            .select_from(SessionFee)
            .join(SessionType, SessionType.id == SessionFee.session_type_id)
            .where(SessionType.clinic_id == clinic_id)
        ),
        "copays": session.scalar(select(func.count()).where(InsuranceCopay.clinic_id == clinic_id)),
        "agreed_rates": session.scalar(
            select(func.count())
            .select_from(AgreedRate)
            .join(TherapistProfile, TherapistProfile.id == AgreedRate.therapist_id)
            .where(in_clinic)
        ),
    }
    return {kind: count for kind, count in counts.items() if count}


def check_currency_change(
    session: Session, clinic_id: uuid.UUID, old: str, new: str, *, reprice: bool
) -> None:
    """Refuse to bill in another currency while amounts are stored, unless asked to re-read them.

    Amounts are integer minor units of the clinic's currency: after USD -> JPY, 15000 (USD 150)
    would read as JPY 15,000. The admin re-enters prices, or says `reprice` to keep the numbers.
    """
    if old == new or reprice:
        return
    stored = stored_prices(session, clinic_id)
    if stored:
        listed = ", ".join(f"{count} {kind.replace('_', ' ')}" for kind, count in stored.items())
        raise CurrencyInUse(
            f"The clinic's prices are stored in {old} ({listed}). Re-enter them after the "
            f"change, or send reprice: true to read the same numbers as {new} minor units.",
            errors={"currency": [f"Prices are stored in {old}."], "stored": stored},
        )
