"""Session types (per therapist, with clinic defaults) and clinic scheduling policy."""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from dataclasses import asdict
from datetime import timedelta
from typing import Any

from sqlalchemy import Select, or_, select
from sqlalchemy.orm import Session

from app.db.unit_of_work import unit_of_work
from app.directory.clinics import get_clinic, managed_clinic
from app.directory.models import TherapistProfile
from app.directory.therapists import get_therapist, managed_therapist
from app.identity.service import Principal
from app.preconditions import Precondition, unconditional
from scheduling.exceptions import SessionTypeNotFound
from scheduling.session_types.defaults import POLICY_DEFAULTS
from scheduling.session_types.models import SchedulingPolicy, SessionType
from scheduling.slots.engine import SlotPolicy


def slot_policy(session_type: SessionType) -> SlotPolicy:
    """The slot engine's view of a session type."""
    return SlotPolicy(
        duration=timedelta(minutes=session_type.duration_minutes),
        step=timedelta(minutes=session_type.slot_step_minutes),
        buffer_before=timedelta(minutes=session_type.buffer_before_minutes),
        buffer_after=timedelta(minutes=session_type.buffer_after_minutes),
        min_notice=timedelta(minutes=session_type.min_notice_minutes),
        horizon=timedelta(days=session_type.horizon_days),
    )


def _offered_to(therapist: TherapistProfile) -> Select[SessionType]:
    return select(SessionType).where(
        SessionType.active.is_(True),
        or_(
            SessionType.therapist_id == therapist.id,
            (SessionType.therapist_id.is_(None)) & (SessionType.clinic_id == therapist.clinic_id),
        ),
    )


def list_session_types(therapist_id: uuid.UUID, *, session: Session) -> list[SessionType]:
    """Session types a therapist offers: their own, then their clinic's defaults."""
    therapist = get_therapist(therapist_id, session=session)
    return list(
        session.scalars(
            _offered_to(therapist).order_by(
                SessionType.therapist_id.is_(None), SessionType.created_at
            )
        )
    )


def offered_session_type(
    therapist: TherapistProfile, session_type_id: uuid.UUID, *, session: Session
) -> SessionType:
    """The session type if this therapist offers it, else SessionTypeNotFound."""
    found = session.scalar(_offered_to(therapist).where(SessionType.id == session_type_id))
    if found is None:
        raise SessionTypeNotFound("This therapist offers no such session type.")
    return found


def default_session_types(
    therapists: Iterable[TherapistProfile], *, session: Session
) -> dict[uuid.UUID, SessionType]:
    """For each therapist, the first individual session type they offer (one query)."""
    therapists = list(therapists)
    clinic_ids = {t.clinic_id for t in therapists}
    rows = session.scalars(
        select(SessionType)
        .where(
            SessionType.active.is_(True),
            SessionType.is_group.is_(False),
            or_(
                SessionType.therapist_id.in_([t.id for t in therapists]),
                SessionType.therapist_id.is_(None) & SessionType.clinic_id.in_(clinic_ids),
            ),
        )
        .order_by(SessionType.created_at)
    ).all()
    own: dict[uuid.UUID, SessionType] = {}
    clinic_default: dict[uuid.UUID, SessionType] = {}
    for row in rows:
        if row.therapist_id is not None:
            own.setdefault(row.therapist_id, row)
        else:
            clinic_default.setdefault(row.clinic_id, row)
    chosen: dict[uuid.UUID, SessionType] = {}
    for therapist in therapists:
        found = own.get(therapist.id) or clinic_default.get(therapist.clinic_id)
        if found is not None:
            chosen[therapist.id] = found
    return chosen


@unit_of_work
def create_session_type(
    *, session: Session, principal: Principal, therapist_id: uuid.UUID, fields: dict[str, Any]
) -> SessionType:
    """Add a session type for a therapist (therapist or clinic admin)."""
    therapist = managed_therapist(principal, therapist_id, session=session)
    session_type = SessionType(clinic_id=therapist.clinic_id, therapist_id=therapist.id, **fields)
    session.add(session_type)
    return session_type


@unit_of_work
def create_clinic_session_type(
    *, session: Session, principal: Principal, clinic_id: uuid.UUID, fields: dict[str, Any]
) -> SessionType:
    """Add a clinic-wide default session type (admin)."""
    clinic = managed_clinic(principal, clinic_id, session=session)
    session_type = SessionType(clinic_id=clinic.id, therapist_id=None, **fields)
    session.add(session_type)
    return session_type


@unit_of_work
def update_session_type(
    *,
    session: Session,
    principal: Principal,
    therapist_id: uuid.UUID,
    session_type_id: uuid.UUID,
    changes: dict[str, Any],
) -> SessionType:
    """Edit (or deactivate, with active=false) one of the therapist's own session types."""
    therapist = managed_therapist(principal, therapist_id, session=session)
    session_type = session.get(SessionType, session_type_id)
    if session_type is None or session_type.therapist_id != therapist.id:
        raise SessionTypeNotFound("This therapist has no such session type of their own.")
    for name, value in changes.items():
        setattr(session_type, name, value)
    return session_type


def clinic_policy(clinic_id: uuid.UUID, *, session: Session) -> SchedulingPolicy:
    """The clinic's policy (defaults until an admin sets one; not added to the session)."""
    return session.get(SchedulingPolicy, clinic_id) or SchedulingPolicy(
        clinic_id=clinic_id, **asdict(POLICY_DEFAULTS)
    )


def published_policy(clinic_id: uuid.UUID, *, session: Session) -> SchedulingPolicy:
    """A clinic's policy, for anyone deciding whether to book there."""
    get_clinic(clinic_id, session=session)
    return clinic_policy(clinic_id, session=session)


@unit_of_work
def update_clinic_policy(
    *,
    session: Session,
    principal: Principal,
    clinic_id: uuid.UUID,
    changes: dict[str, Any],
    precondition: Precondition = unconditional,
) -> SchedulingPolicy:
    """Set the clinic's cancellation window, hold length and hold limit (admin)."""
    managed_clinic(principal, clinic_id, session=session, for_update=True)
    precondition(clinic_policy(clinic_id, session=session))
    policy = session.get(SchedulingPolicy, clinic_id)
    if policy is None:
        policy = clinic_policy(clinic_id, session=session)
        session.add(policy)
    for name, value in changes.items():
        setattr(policy, name, value)
    return policy
