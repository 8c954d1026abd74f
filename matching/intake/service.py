"""Intake use cases: submit (with crisis handling), read, decline a match, record an outcome."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.audit import record_phi_access
from app.clock import utcnow
from app.db.unit_of_work import unit_of_work
from app.directory.models import ClientProfile
from app.encryption import FieldCipher
from app.identity.models import Role
from app.identity.service import Principal
from app.webhooks.events import publish
from matching.exceptions import IntakeNotFound, InvalidIntake
from matching.intake.alerts import queue_crisis_alert
from matching.intake.crisis import CrisisDirectory
from matching.intake.crisis_lines import CrisisLine
from matching.intake.models import Intake
from matching.intake.scoring import screen
from scheduling.appointments.access import client_profile_of
from scheduling.appointments.models import Appointment


@dataclass
class IntakeView:
    """An intake as its owner sees it: answers, scores, flags, and help when at risk."""

    intake: Intake
    free_text: str | None
    crisis_resources: list[CrisisLine] | None


@unit_of_work
def submit_intake(
    *,
    session: Session,
    principal: Principal,
    cipher: FieldCipher,
    crisis: CrisisDirectory,
    answers: dict[str, Any],
) -> IntakeView:
    """Score and store an intake; a high-risk one also queues an urgent alert."""
    client = client_profile_of(principal, session=session)
    free_text = answers.get("free_text")
    try:
        screening = screen(
            answers["phq9"],
            answers["gad7"],
            reports_risk=answers["reports_risk"],
            concerns=answers["concerns"],
            free_text=free_text,
        )
    except ValueError as exc:
        raise InvalidIntake(str(exc)) from exc
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
    record_phi_access(
        session=session,
        actor_id=principal.user.id,
        action="create",
        resource_type="intake",
        resource_id=intake.id,
        subject_client_id=client.id,
    )
    announce_to_own_clinics(intake, session=session)
    if intake.high_risk:
        queue_crisis_alert(session=session, intake=intake)
    resources = crisis.resources_for(intake.jurisdiction) if intake.high_risk else None
    return IntakeView(intake, free_text, resources)


def own_intake(principal: Principal, intake_id: uuid.UUID, *, session: Session) -> Intake:
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


@unit_of_work
def read_intake(
    *,
    session: Session,
    principal: Principal,
    intake_id: uuid.UUID,
    cipher: FieldCipher,
    crisis: CrisisDirectory,
) -> IntakeView:
    """The caller's own intake with its free text decrypted (audit-logged)."""
    intake = own_intake(principal, intake_id, session=session)
    record_phi_access(
        session=session,
        actor_id=principal.user.id,
        action="read",
        resource_type="intake",
        resource_id=intake.id,
        subject_client_id=intake.client_id,
    )
    text = cipher.decrypt(intake.free_text_encrypted) if intake.free_text_encrypted else None
    resources = crisis.resources_for(intake.jurisdiction) if intake.high_risk else None
    return IntakeView(intake, text, resources)


def announce_to_own_clinics(intake: Intake, *, session: Session) -> None:
    """`intake.submitted` (ids only) to the clinics the client has appointments with.

    A new client's intake belongs to no clinic yet: telling every clinic around would disclose
    a search for care to clinics the person never chose, so they hear of it when booked.
    """
    clinic_ids = session.scalars(
        select(Appointment.clinic_id).where(Appointment.client_id == intake.client_id).distinct()
    )
    for clinic_id in sorted(clinic_ids, key=str):
        publish(
            session=session,
            clinic_id=clinic_id,
            event_type="intake.submitted",
            data={"intake_id": intake.id, "client_id": intake.client_id, "at": intake.created_at},
        )
