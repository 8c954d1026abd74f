"""Audit-log queries: a clinic's rows for its admins, and a client's accounting of disclosures."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Select, func, or_, select
from sqlalchemy.orm import Session, aliased

from app.audit import AuditEvent, record_phi_access
from app.db.unit_of_work import unit_of_work
from app.directory.exceptions import ClinicNotFound
from app.directory.models import ClientProfile, TherapistProfile
from app.exceptions import PermissionDenied
from app.identity.models import Role, User
from app.identity.service import Principal

CSV_BATCH = 500


@dataclass(frozen=True)
class AuditFilters:
    """What an admin narrows the log to."""

    actor_id: uuid.UUID | None = None
    client_id: uuid.UUID | None = None
    action: str | None = None
    resource_type: str | None = None
    since: datetime | None = None
    until: datetime | None = None


@dataclass(frozen=True)
class AuditRow:
    """One audit event as shown: who (role, name), what, whose, when."""

    id: uuid.UUID
    at: datetime
    actor_id: uuid.UUID | None
    actor_role: str | None
    actor_name: str | None
    action: str
    resource_type: str
    resource_id: uuid.UUID
    subject_client_id: uuid.UUID | None
    clinic_id: uuid.UUID | None
    request_id: str | None
    by_you: bool = False


@dataclass(frozen=True)
class AuditPage:
    """One page of rows and the true number of matching rows."""

    items: list[AuditRow]
    total: int
    page: int
    page_size: int


def clinic_rows(clinic_id: uuid.UUID, filters: AuditFilters) -> Select[AuditEvent]:
    """Rows about the clinic's care, or by its staff: newest first."""
    staff = select(User.id).where(User.clinic_id == clinic_id)
    query = select(AuditEvent).where(
        or_(AuditEvent.clinic_id == clinic_id, AuditEvent.actor_user_id.in_(staff))
    )
    if filters.actor_id is not None:
        query = query.where(AuditEvent.actor_user_id == filters.actor_id)
    if filters.client_id is not None:
        query = query.where(AuditEvent.subject_client_id == filters.client_id)
    if filters.action is not None:
        query = query.where(AuditEvent.action == filters.action)
    if filters.resource_type is not None:
        query = query.where(AuditEvent.resource_type == filters.resource_type)
    if filters.since is not None:
        query = query.where(AuditEvent.at >= filters.since)
    if filters.until is not None:
        query = query.where(AuditEvent.at < filters.until)
    return query.order_by(AuditEvent.at.desc(), AuditEvent.id.desc())


def _admin_of(principal: Principal, clinic_id: uuid.UUID) -> None:
    """Only the clinic's admins read its log; to anyone else it does not exist (404)."""
    if principal.role is not Role.ADMIN or principal.user.clinic_id != clinic_id:
        raise ClinicNotFound("No clinic with this id.")


def _shown(
    session: Session, events: list[AuditEvent], you: uuid.UUID | None = None
) -> list[AuditRow]:
    actor_ids = {e.actor_user_id for e in events if e.actor_user_id is not None}
    names: dict[uuid.UUID, tuple[str, str | None]] = {}
    if actor_ids:
        therapist = aliased(TherapistProfile)
        client = aliased(ClientProfile)
        found = session.execute(
            select(User.id, User.role, therapist.display_name, client.display_name)
            .outerjoin(therapist, therapist.user_id == User.id)
            .outerjoin(client, client.user_id == User.id)
            .where(User.id.in_(actor_ids))
        )
        for user_id, role, therapist_name, client_name in found:
            names[user_id] = (role.value, therapist_name or client_name)
    return [
        AuditRow(
            id=e.id,
            at=e.at,
            actor_id=e.actor_user_id,
            actor_role=names.get(e.actor_user_id, (None, None))[0] if e.actor_user_id else None,
            actor_name=names.get(e.actor_user_id, (None, None))[1] if e.actor_user_id else None,
            action=e.action,
            resource_type=e.resource_type,
            resource_id=e.resource_id,
            subject_client_id=e.subject_client_id,
            clinic_id=e.clinic_id,
            request_id=e.request_id,
            by_you=you is not None and e.actor_user_id == you,
        )
        for e in events
    ]


@unit_of_work
def clinic_audit_page(
    *,
    session: Session,
    principal: Principal,
    clinic_id: uuid.UUID,
    filters: AuditFilters,
    page: int,
    page_size: int,
) -> AuditPage:
    """A page of the clinic's audit log (admins of that clinic only; reading it is audited)."""
    _admin_of(principal, clinic_id)
    query = clinic_rows(clinic_id, filters)
    total = session.scalar(select(func.count()).select_from(query.subquery())) or 0
    events = list(session.scalars(query.limit(page_size).offset((page - 1) * page_size)))
    rows = _shown(session, events)
    _audit_the_audit(session, principal, clinic_id)
    return AuditPage(rows, total, page, page_size)


@unit_of_work
def open_clinic_audit_export(
    *, session: Session, principal: Principal, clinic_id: uuid.UUID
) -> None:
    """Check the caller may export the clinic's log, and record that they did."""
    _admin_of(principal, clinic_id)
    _audit_the_audit(session, principal, clinic_id, action="export")


def clinic_audit_rows(
    *, session: Session, clinic_id: uuid.UUID, filters: AuditFilters
) -> Iterator[AuditRow]:
    """Every matching row, in batches (for a streamed CSV; no page limit)."""
    query = clinic_rows(clinic_id, filters)
    offset = 0
    while True:
        events = list(session.scalars(query.limit(CSV_BATCH).offset(offset)))
        yield from _shown(session, events)
        if len(events) < CSV_BATCH:
            return
        offset += CSV_BATCH


def _audit_the_audit(
    session: Session, principal: Principal, clinic_id: uuid.UUID, action: str = "read"
) -> None:
    record_phi_access(
        session=session,
        actor_id=principal.user.id,
        action=action,
        resource_type="audit_log",
        resource_id=clinic_id,
        clinic_id=clinic_id,
    )


@unit_of_work
def access_log_page(
    *, session: Session, principal: Principal, page: int, page_size: int
) -> AuditPage:
    """Who accessed the caller's record and when (clients only), newest first."""
    if principal.role is not Role.CLIENT:
        raise PermissionDenied("The access log is the record of a client.")
    client_id = session.scalar(
        select(ClientProfile.id).where(ClientProfile.user_id == principal.user.id)
    )
    if client_id is None:
        raise PermissionDenied("Complete your client profile first.")
    query = (
        select(AuditEvent)
        .where(AuditEvent.subject_client_id == client_id)
        .order_by(AuditEvent.at.desc(), AuditEvent.id.desc())
    )
    total = session.scalar(select(func.count()).select_from(query.subquery())) or 0
    events = list(session.scalars(query.limit(page_size).offset((page - 1) * page_size)))
    rows = _shown(session, events, you=principal.user.id)
    record_phi_access(
        session=session,
        actor_id=principal.user.id,
        action="read",
        resource_type="access_log",
        resource_id=client_id,
        subject_client_id=client_id,
    )
    return AuditPage(rows, total, page, page_size)
