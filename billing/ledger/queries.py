"""Reading the ledger: entries the caller may see, and a client's balances per clinic."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

from app.audit import record_list_read, record_phi_access
from app.db.paging import Page, PageRequest, paginate
from app.db.unit_of_work import unit_of_work
from app.directory.models import Clinic
from app.identity.models import Role
from app.identity.service import Principal
from billing.ledger.models import LedgerEntry
from billing.payments.access import own_client_id, visible_payments
from billing.payments.models import OPEN_STATUSES, Payment
from scheduling.appointments.access import therapist_profile_of


@dataclass(frozen=True)
class Balance:
    """What a client owes one clinic, and the payments they can make now."""

    clinic_id: uuid.UUID
    clinic_name: str
    currency: str
    amount: int
    open_payments: list[Payment]


def visible_entries(principal: Principal, *, session: Session) -> Select[LedgerEntry]:
    """Clients see their own entries, therapists their sessions', admins their clinic's."""
    query = select(LedgerEntry)
    if principal.role is Role.ADMIN:
        return query.where(LedgerEntry.clinic_id == principal.user.clinic_id)
    if principal.role is Role.THERAPIST:
        therapist = therapist_profile_of(principal, session=session)
        return query.where(LedgerEntry.therapist_id == (therapist.id if therapist else None))
    return query.where(LedgerEntry.client_id == own_client_id(principal, session=session))


@unit_of_work
def list_entries(
    *,
    session: Session,
    principal: Principal,
    client_id: uuid.UUID | None = None,
    start: datetime | None = None,
    end: datetime | None = None,
    paging: PageRequest,
) -> Page[LedgerEntry]:
    """Ledger entries, newest first, filtered by client and time, with the true total."""
    query = visible_entries(principal, session=session)
    if client_id is not None:
        query = query.where(LedgerEntry.client_id == client_id)
    if start is not None:
        query = query.where(LedgerEntry.at >= start)
    if end is not None:
        query = query.where(LedgerEntry.at < end)
    found = paginate(session, query.order_by(LedgerEntry.at.desc(), LedgerEntry.id), paging)
    record_list_read(
        session=session,
        actor_id=principal.user.id,
        resource_type="ledger",
        subjects=((entry.client_id, entry.clinic_id) for entry in found.items),
        scope_id=principal.user.id,
        scope_clinic_id=principal.user.clinic_id,
    )
    return found


@unit_of_work
def client_balances(*, session: Session, principal: Principal) -> list[Balance]:
    """The caller's balance at every clinic they have dealt with, with open payments."""
    client_id = own_client_id(principal, session=session)
    record_phi_access(
        session=session,
        actor_id=principal.user.id,
        action="read",
        resource_type="balances",
        resource_id=client_id or principal.user.id,
        subject_client_id=client_id,
    )
    sums = session.execute(
        select(LedgerEntry.clinic_id, LedgerEntry.currency, func.sum(LedgerEntry.amount))
        .where(LedgerEntry.client_id == client_id)
        .group_by(LedgerEntry.clinic_id, LedgerEntry.currency)
    ).all()
    open_payments = session.scalars(
        visible_payments(principal, session=session)
        .where(Payment.status.in_(OPEN_STATUSES))
        .order_by(Payment.created_at)
    ).all()
    keys = {(clinic, currency) for clinic, currency, _ in sums} | {
        (p.clinic_id, p.currency) for p in open_payments
    }
    amounts = {(clinic, currency): int(total or 0) for clinic, currency, total in sums}
    clinics = select(Clinic.id, Clinic.name).where(Clinic.id.in_({k[0] for k in keys}))
    names = {row.id: row.name for row in session.execute(clinics)}
    return [
        Balance(
            clinic_id=clinic,
            clinic_name=names[clinic],
            currency=currency,
            amount=amounts.get((clinic, currency), 0),
            open_payments=[
                p for p in open_payments if p.clinic_id == clinic and p.currency == currency
            ],
        )
        for clinic, currency in sorted(keys, key=lambda k: (names[k[0]], k[1]))
    ]
