"""Reading payments and refunds the caller may see."""

from __future__ import annotations

import uuid

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.audit import record_list_read, record_phi_access
from app.db.paging import Page, PageRequest, paginate
from app.db.unit_of_work import unit_of_work
from app.identity.service import Principal
from billing.payments.access import visible_payment, visible_payments
from billing.payments.models import Payment, PaymentStatus, Refund


@unit_of_work
def list_payments(
    *,
    session: Session,
    principal: Principal,
    status: PaymentStatus | None = None,
    client_id: uuid.UUID | None = None,
    appointment_id: uuid.UUID | None = None,
    paging: PageRequest,
) -> Page[Payment]:
    """Payments the caller may see, newest first."""
    query = visible_payments(principal, session=session)
    if status is not None:
        query = query.where(Payment.status == status)
    if client_id is not None:
        query = query.where(Payment.client_id == client_id)
    if appointment_id is not None:
        query = query.where(Payment.appointment_id == appointment_id)
    found = paginate(session, query.order_by(Payment.created_at.desc(), Payment.id), paging)
    record_list_read(
        session=session,
        actor_id=principal.user.id,
        resource_type="payments",
        subjects=((p.client_id, p.clinic_id) for p in found.items),
        scope_id=principal.user.id,
        scope_clinic_id=principal.user.clinic_id,
    )
    return found


@unit_of_work
def read_payment(*, session: Session, principal: Principal, payment_id: uuid.UUID) -> Payment:
    """One payment the caller may see (audit-logged: it names a session of care)."""
    payment = visible_payment(principal, payment_id, session=session)
    _audit_payment(session, principal, payment)
    return payment


def _audit_payment(session: Session, principal: Principal, payment: Payment) -> None:
    record_phi_access(
        session=session,
        actor_id=principal.user.id,
        action="read",
        resource_type="payment",
        resource_id=payment.id,
        subject_client_id=payment.client_id,
        clinic_id=payment.clinic_id,
    )


@unit_of_work
def payment_refunds(
    *, session: Session, principal: Principal, payment_id: uuid.UUID
) -> list[Refund]:
    """Every refund of a payment the caller may see, oldest first."""
    payment = visible_payment(principal, payment_id, session=session)
    _audit_payment(session, principal, payment)
    return list(
        session.scalars(
            select(Refund).where(Refund.payment_id == payment.id).order_by(Refund.created_at)
        )
    )
