"""Intake use cases: submit (with crisis handling), read, decline a match, record an outcome."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.audit import record_phi_access
from app.db import utcnow
from app.directory.models import ClientProfile, TherapistLicense, TherapistProfile
from app.directory.therapists import get_therapist, may_manage
from app.encryption import FieldCipher
from app.exceptions import PermissionDenied
from app.identity.models import Role
from app.identity.service import Principal
from matching.crisis import CrisisDirectory
from matching.exceptions import IntakeNotFound, InvalidIntake
from matching.models import Intake, MatchDecline, MatchOutcome
from matching.scoring import screen
from scheduling.access import client_profile_of
from scheduling.outbox import enqueue


@dataclass
class IntakeView:
    """An intake as its owner sees it: answers, scores, flags, and help when at risk."""

    intake: Intake
    free_text: str | None
    crisis_resources: list[dict[str, str]] | None


def submit_intake(
    session: Session,
    *,
    principal: Principal,
    cipher: FieldCipher,
    crisis: CrisisDirectory,
    answers: dict[str, Any],
) -> IntakeView:
    """Score and store an intake; a high-risk one also queues an urgent alert."""
    client = client_profile_of(session, principal)
    try:
        screening = screen(answers["phq9"], answers["gad7"], reports_risk=answers["reports_risk"])
    except ValueError as exc:
        raise InvalidIntake(str(exc)) from exc
    free_text = answers.get("free_text")
    intake = Intake(
        client_id=client.id,
        created_at=utcnow(),
        jurisdiction=answers.get("jurisdiction") or client.jurisdiction,
        timezone=answers.get("timezone") or client.timezone,
        concerns=answers["concerns"],
        free_text_encrypted=cipher.encrypt(free_text) if free_text else None,
        phq9_answers=answers["phq9"],
        gad7_answers=answers["gad7"],
        phq9_score=screening.phq9_score,
        gad7_score=screening.gad7_score,
        phq9_band=screening.phq9_band,
        gad7_band=screening.gad7_band,
        reports_risk=answers["reports_risk"],
        high_risk=screening.high_risk,
        higher_level_of_care=screening.higher_level_of_care,
        preferences=answers.get("preferences", {}),
        payment=answers["payment"],
        preferred_times=answers.get("preferred_times", []),
    )
    session.add(intake)
    session.flush()
    if intake.high_risk:
        _queue_crisis_alert(session, intake)
    session.commit()
    resources = crisis.resources_for(intake.jurisdiction) if intake.high_risk else None
    return IntakeView(intake, free_text, resources)


def _queue_crisis_alert(session: Session, intake: Intake) -> None:
    """Alert every clinic with a therapist licensed where the client is (ids only, no answers)."""
    clinic_ids = sorted(
        str(c)
        for c in session.scalars(
            select(TherapistProfile.clinic_id)
            .distinct()
            .join(TherapistLicense, TherapistLicense.therapist_id == TherapistProfile.id)
            .where(TherapistLicense.jurisdiction == intake.jurisdiction)
        )
    )
    enqueue(
        session,
        topic="alert.crisis_intake",
        dedupe_key=f"crisis-intake:{intake.id}",
        payload={
            "intake_id": str(intake.id),
            "jurisdiction": intake.jurisdiction,
            "clinic_ids": clinic_ids,
            "urgency": "urgent",
        },
    )


def own_intake(session: Session, principal: Principal, intake_id: uuid.UUID) -> Intake:
    """The caller's intake, or IntakeNotFound (also for other people's)."""
    if principal.role is not Role.CLIENT:
        raise IntakeNotFound("No intake with this id.")
    intake = session.scalar(
        select(Intake)
        .join(ClientProfile, ClientProfile.id == Intake.client_id)
        .where(Intake.id == intake_id, ClientProfile.user_id == principal.user.id)
    )
    if intake is None:
        raise IntakeNotFound("No intake with this id.")
    return intake


def read_intake(
    session: Session,
    *,
    principal: Principal,
    intake_id: uuid.UUID,
    cipher: FieldCipher,
    crisis: CrisisDirectory,
) -> IntakeView:
    """The caller's own intake with its free text decrypted (audit-logged)."""
    intake = own_intake(session, principal, intake_id)
    record_phi_access(
        session,
        actor_id=principal.user.id,
        action="read",
        resource_type="intake",
        resource_id=intake.id,
    )
    session.commit()
    text = cipher.decrypt(intake.free_text_encrypted) if intake.free_text_encrypted else None
    resources = crisis.resources_for(intake.jurisdiction) if intake.high_risk else None
    return IntakeView(intake, text, resources)


def decline_match(
    session: Session,
    *,
    principal: Principal,
    intake_id: uuid.UUID,
    therapist_id: uuid.UUID,
    reason: str | None,
) -> MatchDecline:
    """Turn a therapist down for this intake; later match lists leave them out."""
    intake = own_intake(session, principal, intake_id)
    get_therapist(session, therapist_id)
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
    session.commit()
    return decline


def record_outcome(
    session: Session,
    *,
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
    therapist = get_therapist(session, therapist_id)
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
    session.commit()
    return outcome
