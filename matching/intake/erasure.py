"""Erasing a client destroys what they wrote in their intakes and when declining matches."""

from __future__ import annotations

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from app.privacy_rights.export import Subject
from matching.intake.models import Intake
from matching.matches.models import MatchDecline


def erase_intake_text(session: Session, subject: Subject) -> None:
    """Free text and decline reasons go; scores stay with the pseudonymised profile (no commit)."""
    if subject.client_id is None:
        return
    session.execute(
        update(Intake).where(Intake.client_id == subject.client_id).values(free_text_encrypted=None)
    )
    theirs = select(Intake.id).where(Intake.client_id == subject.client_id)
    session.execute(
        update(MatchDecline).where(MatchDecline.intake_id.in_(theirs)).values(reason=None)
    )
