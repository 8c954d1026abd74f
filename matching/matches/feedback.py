"""Feedback on matches: the client declines one, a therapist who saw them records an outcome."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.audit import record_phi_access
from app.clock import utcnow
from app.db.unit_of_work import unit_of_work
from app.directory.models import TherapistProfile
from app.directory.therapists import get_therapist, may_manage
from app.identity.service import Principal
from matching.exceptions import IntakeNotFound
from matching.intake.models import Intake
from matching.intake.service import own_intake
from matching.matches.models import MatchDecline, MatchOutcome
from scheduling.appointments.models import Appointment, AppointmentStatus

# A therapist has seen a client once an appointment between them was booked (or attended).
SEEN_STATUSES = (AppointmentStatus.BOOKED, AppointmentStatus.ARRIVED, AppointmentStatus.FULFILLED)


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
        _audit(session, principal, "decline_match", intake, None)
        return existing
    decline = MatchDecline(
        intake_id=intake.id, therapist_id=therapist_id, reason=reason, created_at=utcnow()
    )
    session.add(decline)
    _audit(session, principal, "decline_match", intake, None)
    return decline


def _audit(
    session: Session,
    principal: Principal,
    action: str,
    intake: Intake,
    clinic_id: uuid.UUID | None,
) -> None:
    record_phi_access(
        session=session,
        actor_id=principal.user.id,
        action=action,
        resource_type="intake",
        resource_id=intake.id,
        subject_client_id=intake.client_id,
        clinic_id=clinic_id,
    )


def saw_client(intake_id: uuid.UUID, therapist_id: uuid.UUID, *, session: Session) -> bool:
    """Whether the therapist has had a booked (or attended) appointment with the intake's
    client: only then can they know how the match went."""
    query = (
        select(Appointment.id)
        .join(Intake, Intake.client_id == Appointment.client_id)
        .where(
            Intake.id == intake_id,
            Appointment.therapist_id == therapist_id,
            Appointment.status.in_(SEEN_STATUSES),
        )
        .limit(1)
    )
    return session.scalar(query) is not None


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
    """How a match went, recorded by a therapist who saw the intake's client (or an admin of
    their clinic); one row per pair, updated. Every refusal is the same 404, so the answer never
    tells which intakes exist."""
    therapist = session.get(TherapistProfile, therapist_id)
    if (
        therapist is None
        or not may_manage(principal, therapist)
        or not saw_client(intake_id, therapist_id, session=session)
    ):
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
    _audit(
        session,
        principal,
        "record_outcome",
        session.get_one(Intake, intake_id),
        therapist.clinic_id,
    )
    return outcome
