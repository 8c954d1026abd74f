"""Neutral emails about money: receipts, refunds, and a payment the client needs to make."""

from __future__ import annotations

from dataclasses import dataclass
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session

from app.adapters import AdapterKey
from app.directory.models import ClientProfile, Clinic
from app.identity.models import User
from app.mail.delivery import queue_email
from billing.ledger.postings import MEMOS
from billing.money import Money
from billing.payments.models import Payment
from scheduling.appointments.models import Appointment


@dataclass(frozen=True)
class ReceiptSettings:
    """Where links in billing emails point."""

    app_url: str


RECEIPT_SETTINGS: AdapterKey[ReceiptSettings] = AdapterKey("receipt settings")


def _recipient(payment: Payment, *, session: Session) -> tuple[str, Clinic]:
    client = session.get_one(ClientProfile, payment.client_id)
    user = session.get_one(User, client.user_id)
    return user.email, session.get_one(Clinic, payment.clinic_id)


def _what(payment: Payment, clinic: Clinic, *, session: Session) -> str:
    """`Appointment on 2026-12-01` in the clinic's zone; no session type, no therapist."""
    memo = MEMOS[payment.purpose]
    if payment.appointment_id is None:
        return memo
    appointment = session.get_one(Appointment, payment.appointment_id)
    day = appointment.starts_at.astimezone(ZoneInfo(clinic.timezone)).date().isoformat()
    return f"{memo} on {day}"


def queue_receipt(payment: Payment, amount: int, *, session: Session) -> None:
    """Email a receipt for money received."""
    to, clinic = _recipient(payment, session=session)
    money = Money(amount, payment.currency).display()
    queue_email(
        session=session,
        to=to,
        subject=f"Receipt from {clinic.name}",
        text=(
            f"{clinic.name} received {money}.\n\n"
            f"For: {_what(payment, clinic, session=session)}\n"
            f"Reference: {payment.id}\n"
        ),
        dedupe_key=f"receipt:{payment.id}:{payment.amount_captured}",
    )


def queue_refund_notice(
    payment: Payment, refund_id: object, amount: int, *, session: Session
) -> None:
    """Email that money is on its way back."""
    to, clinic = _recipient(payment, session=session)
    money = Money(amount, payment.currency).display()
    queue_email(
        session=session,
        to=to,
        subject=f"Refund from {clinic.name}",
        text=(
            f"{clinic.name} refunded {money} to your card. It can take 5-10 days to appear.\n\n"
            f"For: {_what(payment, clinic, session=session)}\n"
            f"Reference: {refund_id}\n"
        ),
        dedupe_key=f"refund:{refund_id}",
    )


def queue_payment_needed(payment: Payment, settings: ReceiptSettings, *, session: Session) -> None:
    """Email that a charge could not be completed, with where to pay it."""
    to, clinic = _recipient(payment, session=session)
    money = Money(payment.amount, payment.currency).display()
    queue_email(
        session=session,
        to=to,
        subject=f"Payment needed for {clinic.name}",
        text=(
            f"We could not complete a payment of {money} to {clinic.name}.\n\n"
            f"For: {_what(payment, clinic, session=session)}\n"
            f"You can pay it here: {settings.app_url}/billing/payments/{payment.id}\n"
        ),
        dedupe_key=f"payment-needed:{payment.id}:{payment.attempt}",
    )
