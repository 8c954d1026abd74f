"""Posting movements to the ledger, each exactly once (its posting key is unique)."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.clock import utcnow
from app.i18n.messages import marked
from billing.ledger.models import SIGNS, EntryKind, LedgerEntry
from billing.payments.models import Payment, Purpose
from scheduling.appointments.models import Appointment

MEMOS = {  # the ledger keeps them in English; emails translate them
    Purpose.SESSION: marked("Appointment"),
    Purpose.LATE_CANCELLATION_FEE: marked("Late cancellation fee"),
    Purpose.NO_SHOW_FEE: marked("Missed appointment fee"),
}


def post(
    payment: Payment,
    kind: EntryKind,
    amount: int,
    *,
    key: str,
    session: Session,
) -> LedgerEntry | None:
    """Enter `amount` (positive; its kind gives the sign) for the payment, once per key."""
    posting_key = f"{payment.id}:{key}"
    if amount <= 0 or session.scalar(
        select(LedgerEntry.id).where(LedgerEntry.posting_key == posting_key)
    ):
        return None
    appointment = (
        session.get(Appointment, payment.appointment_id) if payment.appointment_id else None
    )
    entry = LedgerEntry(
        clinic_id=payment.clinic_id,
        client_id=payment.client_id,
        therapist_id=appointment.therapist_id if appointment else None,
        appointment_id=payment.appointment_id,
        payment_id=payment.id,
        kind=kind,
        amount=SIGNS[kind] * amount,
        currency=payment.currency,
        at=utcnow(),
        posting_key=posting_key,
        memo=MEMOS[payment.purpose],
    )
    session.add(entry)
    return entry
