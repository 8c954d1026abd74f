"""An erased client's support groups: memberships end, the alias and reports' words go."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from scheduling.support_groups.aliases import alias_key
from scheduling.support_groups.models import GroupMember, MeetingReport, MemberStatus

REMOVED_TEXT = "[removed at the member's request]"


def forget_member(session: Session, client_id: uuid.UUID, now: datetime) -> None:
    """End every membership (a ban stays a ban), replace the alias, scrub the member's reports."""
    members = session.scalars(
        select(GroupMember).where(GroupMember.client_id == client_id).with_for_update()
    ).all()
    for member in members:
        if member.status is MemberStatus.ACTIVE:
            member.status, member.ended_at = MemberStatus.LEFT, now
        member.alias = f"Former member {member.id.hex[:8]}"
        member.alias_key = alias_key(member.alias)
    session.execute(
        update(MeetingReport)
        .where(MeetingReport.reporter_id.in_([m.id for m in members]))
        .values(reason=REMOVED_TEXT)
        .execution_options(synchronize_session=False)
    )
