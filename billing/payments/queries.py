"""Reading payments and refunds the caller may see."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.identity.service import Principal
from billing.payments.access import visible_payment, visible_payments
from billing.payments.models import Payment, PaymentStatus, Refund


@dataclass(frozen=True)
class PaymentPage:
    """One page of payments and the true total."""

    items: list[Payment]
    total: int


def list_payments(
    *,
    session: Session,
    principal: Principal,
    status: PaymentStatus | None = None,
    client_id: uuid.UUID | None = None,
    appointment_id: uuid.UUID | None = None,
    limit: int = 50,
    offset: int = 0,
) -> PaymentPage:
    """Payments the caller may see, newest first."""
    query = visible_payments(principal, session=session)
    if status is not None:
        query = query.where(Payment.status == status)
    if client_id is not None:
        query = query.where(Payment.client_id == client_id)
    if appointment_id is not None:
        query = query.where(Payment.appointment_id == appointment_id)
    total = session.scalar(select(func.count()).select_from(query.subquery())) or 0
    items = session.scalars(
        query.order_by(Payment.created_at.desc(), Payment.id).limit(limit).offset(offset)
    ).all()
    return PaymentPage(list(items), total)


def payment_refunds(
    *, session: Session, principal: Principal, payment_id: uuid.UUID
) -> list[Refund]:
    """Every refund of a payment the caller may see, oldest first."""
    payment = visible_payment(principal, payment_id, session=session)
    return list(
        session.scalars(
            select(Refund).where(Refund.payment_id == payment.id).order_by(Refund.created_at)
        )
    )
