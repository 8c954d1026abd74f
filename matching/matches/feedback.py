"""Intake use cases: submit (with crisis handling), read, decline a match, record an outcome."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.clock import utcnow
from app.db.unit_of_work import unit_of_work
from app.directory.therapists import get_therapist, may_manage
from app.exceptions import PermissionDenied
from app.identity.models import Role
from app.identity.service import Principal
from matching.exceptions import IntakeNotFound
from matching.intake.models import Intake
from matching.intake.service import own_intake
from matching.matches.models import MatchDecline, MatchOutcome


@unit_of_work
def decline_match(
    *,
    session: Session,
    principal: Principal,
    intake_id: uuid.UUID,
    therapist_id: uuid.UUID,
    reason: str | None,
) -> MatchDecline:
    """Turn a therapist down for this intake; later match lists leave them out."""
    intake = own_intake(principal, intake_id, session=session)
    get_therapist(therapist_id, session=session)
    existing = session.scalar(
        select(MatchDecline).where(
            MatchDecline.intake_id == intake.id, MatchDecline.therapist_id == therapist_id
        )
    )
    if existing is not None:
        return existing
    decline = MatchDecline(
        intake_id=intake.id, therapist_id=therapist_id, reason=reason, created_at=utcnow()
    )
    session.add(decline)
    return decline


@unit_of_work
def record_outcome(
    *,
    session: Session,
    principal: Principal,
    intake_id: uuid.UUID,
    therapist_id: uuid.UUID,
    domain: str,
    booked: bool,
    sessions_attended: int,
    dropped_out: bool,
    score_change: float | None,
    recorded_at: datetime | None = None,
) -> MatchOutcome:
    """The therapist (or their clinic) records how a match went; one row per pair, updated."""
    therapist = get_therapist(therapist_id, session=session)
    if principal.role is Role.CLIENT or not may_manage(principal, therapist):
        raise PermissionDenied("Only the therapist or their clinic records outcomes.")
    if session.get(Intake, intake_id) is None:
        raise IntakeNotFound("No intake with this id.")
    outcome = session.scalar(
        select(MatchOutcome).where(
            MatchOutcome.intake_id == intake_id, MatchOutcome.therapist_id == therapist_id
        )
    )
    if outcome is None:
        outcome = MatchOutcome(intake_id=intake_id, therapist_id=therapist_id)
        session.add(outcome)
    outcome.domain, outcome.booked = domain, booked
    outcome.sessions_attended, outcome.dropped_out = sessions_attended, dropped_out
    outcome.score_change, outcome.recorded_at = score_change, recorded_at or utcnow()
    return outcome
