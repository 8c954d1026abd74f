"""Changing a hosted group: its words (new guidelines are a new version) or ending it."""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy.orm import Session

from app.audit import record_phi_access
from app.clock import utcnow
from app.db.unit_of_work import unit_of_work
from app.identity.service import Principal
from scheduling.appointments.events import appointment_changed
from scheduling.appointments.lifecycle import mark_cancelled
from scheduling.support_groups.exceptions import MembershipConflict
from scheduling.support_groups.membership import upcoming_meetings
from scheduling.support_groups.models import MemberStatus, SupportGroup
from scheduling.support_groups.moderation import moderated_group

ENDED_REASON = "The group has ended."


@unit_of_work
def update_group(
    *, session: Session, principal: Principal, group_id: uuid.UUID, **changes: Any
) -> SupportGroup:
    """Change the title, description or guidelines; changed guidelines are the next version."""
    group = moderated_group(session, principal, group_id, lock=True)
    if group.ended_at is not None:
        raise MembershipConflict("This group has ended.")
    guidelines = changes.pop("guidelines", None)
    if guidelines is not None and guidelines != group.guidelines:
        group.guidelines, group.guidelines_version = guidelines, group.guidelines_version + 1
    for name, value in changes.items():
        setattr(group, name, value)
    return group  # the group's words hold no one's health information: no audit row


@unit_of_work
def end_group(*, session: Session, principal: Principal, group_id: uuid.UUID) -> SupportGroup:
    """End the group: every meeting ahead is cancelled (members and host are told)."""
    group = moderated_group(session, principal, group_id, lock=True)
    if group.ended_at is not None:
        raise MembershipConflict("This group has already ended.")
    now = utcnow()
    for meeting in upcoming_meetings(session, group.id, now):
        mark_cancelled(
            meeting,
            actor_id=principal.user.id,
            role=principal.role,
            reason=ENDED_REASON,
            now=now,
            late=False,
        )
        appointment_changed(meeting, "cancelled", session=session)
    for member in group.members:
        if member.status is MemberStatus.ACTIVE:
            member.status, member.ended_at = MemberStatus.LEFT, now
    group.ended_at = now
    _audit(session, principal, group, "support_group.end")
    return group


def _audit(session: Session, principal: Principal, group: SupportGroup, action: str) -> None:
    record_phi_access(
        session=session,
        actor_id=principal.user.id,
        action=action,
        resource_type="support_group",
        resource_id=group.id,
        clinic_id=group.clinic_id,
    )
