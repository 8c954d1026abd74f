"""Raising, listing and acknowledging crisis alerts (ids only: never answers or concerns)."""

from __future__ import annotations

import uuid

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.audit import record_phi_access
from app.clock import utcnow
from app.db.paging import Page, PageRequest, paginate
from app.db.unit_of_work import unit_of_work
from app.directory.exceptions import ClinicNotFound
from app.exceptions import NotFound
from app.identity.models import Role
from app.identity.service import Principal
from matching.crisis_alerts.models import CrisisAlert
from matching.intake.models import Intake

STAFF = (Role.ADMIN, Role.THERAPIST)


def raise_alerts(*, session: Session, intake: Intake, clinic_ids: list[str]) -> None:
    """One alert per clinic concerned, in the intake's unit of work (no commit)."""
    now = utcnow()
    for clinic_id in clinic_ids:
        session.add(CrisisAlert(intake_id=intake.id, clinic_id=uuid.UUID(clinic_id), raised_at=now))


def _audit(session: Session, principal: Principal, alert: CrisisAlert, action: str) -> None:
    record_phi_access(
        session=session,
        actor_id=principal.user.id,
        action=action,
        resource_type="crisis_alert",
        resource_id=alert.id,
        subject_client_id=session.get_one(Intake, alert.intake_id).client_id,
        clinic_id=alert.clinic_id,
    )


def _clinic_staff(principal: Principal, clinic_id: uuid.UUID) -> None:
    if principal.role not in STAFF or principal.user.clinic_id != clinic_id:
        raise ClinicNotFound("No clinic with this id.")


@unit_of_work
def list_alerts(
    *,
    session: Session,
    principal: Principal,
    clinic_id: uuid.UUID,
    state: str,
    paging: PageRequest,
) -> Page[CrisisAlert]:
    """The clinic's alerts, open ones oldest first, acknowledged ones newest first."""
    _clinic_staff(principal, clinic_id)
    query = select(CrisisAlert).where(CrisisAlert.clinic_id == clinic_id)
    if state == "open":
        query = query.where(CrisisAlert.acknowledged_at.is_(None)).order_by(
            CrisisAlert.raised_at, CrisisAlert.id
        )
    else:
        query = query.where(CrisisAlert.acknowledged_at.is_not(None)).order_by(
            CrisisAlert.acknowledged_at.desc(), CrisisAlert.id
        )
    found = paginate(session, query, paging)
    for alert in found.items:
        _audit(session, principal, alert, "list")
    if not found.items:
        record_phi_access(
            session=session,
            actor_id=principal.user.id,
            action="list",
            resource_type="crisis_alerts",
            resource_id=clinic_id,
            clinic_id=clinic_id,
        )
    return found


@unit_of_work
def acknowledge(
    *, session: Session, principal: Principal, alert_id: uuid.UUID, note: str | None
) -> CrisisAlert:
    """Record who took the alert in hand; a second acknowledgement keeps the first."""
    alert = session.get(CrisisAlert, alert_id, with_for_update=True)
    if alert is None or principal.role not in STAFF or principal.user.clinic_id != alert.clinic_id:
        raise NotFound("No crisis alert with this id.")
    if alert.acknowledged_at is None:
        alert.acknowledged_at, alert.acknowledged_by_id = utcnow(), principal.user.id
        alert.note = note
        _audit(session, principal, alert, "acknowledge")
    else:
        _audit(session, principal, alert, "read")
    return alert
