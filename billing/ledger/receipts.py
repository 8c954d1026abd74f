"""Neutral emails about money: receipts, refunds, and a payment the client needs to make."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.orm import Session

from app.adapters import AdapterKey
from app.directory.models import ClientProfile, Clinic
from app.i18n.messages import Amount, Text, When, message
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


def _recipient(payment: Payment, *, session: Session) -> tuple[User, Clinic]:
    client = session.get_one(ClientProfile, payment.client_id)
    return session.get_one(User, client.user_id), session.get_one(Clinic, payment.clinic_id)


def _what(payment: Payment, clinic: Clinic, *, session: Session) -> Text:
    """`Appointment on Tuesday, December 1, 2026` in the clinic's zone; nothing clinical."""
    memo = Text(MEMOS[payment.purpose])
    if payment.appointment_id is None:
        return memo
    appointment = session.get_one(Appointment, payment.appointment_id)
    day = When(appointment.starts_at, clinic.timezone, with_time=False)
    return message("%(memo)s on %(day)s", memo=memo, day=day)


def _amount(amount: int, currency: str) -> Amount:
    return Amount(Money(amount, currency).decimal(), currency)


def queue_receipt(payment: Payment, amount: int, *, session: Session) -> None:
    """Email a receipt for money received."""
    user, clinic = _recipient(payment, session=session)
    queue_email(
        session=session,
        to=user.email,
        locale=user.locale,
        subject=message("Receipt from %(clinic)s", clinic=clinic.name),
        text=message(
            "%(clinic)s received %(amount)s.\n\nFor: %(what)s\nReference: %(reference)s\n",
            clinic=clinic.name,
            amount=_amount(amount, payment.currency),
            what=_what(payment, clinic, session=session),
            reference=str(payment.id),
        ),
        dedupe_key=f"receipt:{payment.id}:{payment.amount_captured}",
    )


def queue_refund_notice(
    payment: Payment, refund_id: object, amount: int, *, session: Session
) -> None:
    """Email that money is on its way back."""
    user, clinic = _recipient(payment, session=session)
    queue_email(
        session=session,
        to=user.email,
        locale=user.locale,
        subject=message("Refund from %(clinic)s", clinic=clinic.name),
        text=message(
            "%(clinic)s refunded %(amount)s to your card. It can take 5-10 days to appear.\n\n"
            "For: %(what)s\nReference: %(reference)s\n",
            clinic=clinic.name,
            amount=_amount(amount, payment.currency),
            what=_what(payment, clinic, session=session),
            reference=str(refund_id),
        ),
        dedupe_key=f"refund:{refund_id}",
    )


def queue_payment_needed(payment: Payment, settings: ReceiptSettings, *, session: Session) -> None:
    """Email that a charge could not be completed, with where to pay it."""
    user, clinic = _recipient(payment, session=session)
    queue_email(
        session=session,
        to=user.email,
        locale=user.locale,
        subject=message("Payment needed for %(clinic)s", clinic=clinic.name),
        text=message(
            "We could not complete a payment of %(amount)s to %(clinic)s.\n\n"
            "For: %(what)s\nYou can pay it here: %(link)s\n",
            clinic=clinic.name,
            amount=_amount(payment.amount, payment.currency),
            what=_what(payment, clinic, session=session),
            link=f"{settings.app_url}/billing/payments/{payment.id}",
        ),
        dedupe_key=f"payment-needed:{payment.id}:{payment.attempt}",
    )
