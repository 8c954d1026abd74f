"""Crisis alerts: queued with a high-risk intake, then fanned out to the admins concerned.

The alert carries ids only (intake, clinics), never answers or concerns; the email says only
that a new client needs urgent follow-up, with the intake id as the reference.
"""

from __future__ import annotations

import uuid

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.directory.models import TherapistLicense, TherapistProfile
from app.i18n import messages as i18n
from app.identity.models import Role, User
from app.jurisdictions import license_scopes
from app.mail.delivery import queue_email
from app.outbox.models import OutboxMessage
from app.outbox.queue import enqueue
from matching.crisis_alerts.service import raise_alerts
from matching.intake.models import Intake

CRISIS_INTAKE = "alert.crisis_intake"


def queue_crisis_alert(*, session: Session, intake: Intake) -> None:
    """Alert every clinic with a therapist licensed where the client is (ids only, no answers)."""
    clinic_ids = sorted(
        str(clinic_id)
        for clinic_id in session.scalars(
            select(TherapistProfile.clinic_id)
            .distinct()
            .join(TherapistLicense, TherapistLicense.therapist_id == TherapistProfile.id)
            .where(TherapistLicense.jurisdiction.in_(license_scopes(intake.jurisdiction)))
        )
    )
    raise_alerts(session=session, intake=intake, clinic_ids=clinic_ids)
    enqueue(
        session=session,
        topic=CRISIS_INTAKE,
        dedupe_key=f"crisis-intake:{intake.id}",
        payload={
            "intake_id": str(intake.id),
            "jurisdiction": intake.jurisdiction,
            "clinic_ids": clinic_ids,
            "urgency": "urgent",
        },
    )


class CrisisAlertNotifier:
    """The handler of `alert.crisis_intake`: one email per admin of the clinics concerned."""

    def __init__(self, app_url: str) -> None:
        self.app_url = app_url

    def __call__(self, message: OutboxMessage, *, session: Session) -> None:
        """Tell the admins of the clinics concerned that an intake needs urgent review."""
        payload = message.payload
        admins = session.scalars(
            select(User).where(
                User.role == Role.ADMIN,
                User.deleted_at.is_(None),
                User.clinic_id.in_([uuid.UUID(c) for c in payload["clinic_ids"]]),
            )
        )
        for admin in admins:
            queue_email(
                session=session,
                to=admin.email,
                locale=admin.locale,
                subject=i18n.message("Urgent: a new client needs follow-up"),
                text=i18n.message(
                    "A new client's answers need urgent follow-up today. Open the clinic "
                    "dashboard (%(link)s) and use reference %(reference)s.\n",
                    link=self.app_url,
                    reference=payload["intake_id"],
                ),
                dedupe_key=f"alert:{payload['intake_id']}:{admin.id}",
            )
