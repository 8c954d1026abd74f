"""Who is in a group: aliases to members; aliases and, in therapy groups, profiles to the host."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.audit import record_list_read
from app.db.unit_of_work import unit_of_work
from app.directory.models import ClientProfile, TherapistProfile
from app.directory.therapists import may_manage
from app.identity.models import Role
from app.identity.service import Principal
from scheduling.appointments.access import client_profile_of
from scheduling.support_groups.exceptions import GroupNotFound
from scheduling.support_groups.membership import active_member, find_group
from scheduling.support_groups.models import GroupKind, GroupMember, MemberStatus


@dataclass(frozen=True)
class RosterEntry:
    """A member as the caller may see them."""

    member: GroupMember
    is_you: bool
    client: ClientProfile | None  # the host of a therapy group only
    moderated: bool  # the caller sees ids, statuses and past members

    @property
    def member_id(self) -> uuid.UUID | None:
        """The member's id, for the host's moderation."""
        return self.member.id if self.moderated else None

    @property
    def muted(self) -> bool:
        """Muted by the host."""
        return self.member.muted_at is not None

    @property
    def located_in(self) -> str | None:
        """Where the member is, for a therapy group's host."""
        return self.member.located_in if self.client is not None else None


@unit_of_work
def group_roster(
    *, session: Session, principal: Principal, group_id: uuid.UUID
) -> list[RosterEntry]:
    """Members by alias: active ones to a member; every one (with profiles in therapy) to a host."""
    group = find_group(session, group_id)
    host = session.get_one(TherapistProfile, group.host_id)
    members = sorted(group.members, key=lambda m: (m.joined_at, str(m.id)))
    if may_manage(principal, host):
        profiles = group.kind is GroupKind.THERAPY
        record_list_read(
            session=session,
            actor_id=principal.user.id,
            resource_type="group_roster",
            subjects=((m.client_id, group.clinic_id) for m in members),
            scope_id=group.id,
            scope_clinic_id=group.clinic_id,
        )
        return [
            RosterEntry(
                m, False, session.get(ClientProfile, m.client_id) if profiles else None, True
            )
            for m in members
        ]
    if principal.role is not Role.CLIENT:
        raise GroupNotFound("No group with this id.")
    me = active_member(session, group.id, client_profile_of(principal, session=session).id)
    shown = [m for m in members if m.status is MemberStatus.ACTIVE]
    record_list_read(  # a member learns who else is in the group, if only by alias
        session=session,
        actor_id=principal.user.id,
        resource_type="group_roster",
        subjects=((m.client_id, group.clinic_id) for m in shown),
        scope_id=group.id,
        scope_clinic_id=group.clinic_id,
    )
    return [RosterEntry(m, m.id == me.id, None, False) for m in shown]


def member_of(session: Session, group_id: uuid.UUID, client_id: uuid.UUID) -> GroupMember | None:
    """The client's membership of the group, if any (for invites and the video room)."""
    return session.scalar(
        select(GroupMember).where(
            GroupMember.group_id == group_id, GroupMember.client_id == client_id
        )
    )


def alias_of(session: Session, group_id: uuid.UUID, client_id: uuid.UUID) -> str | None:
    """The member's alias in the group, if they have one."""
    member = member_of(session, group_id, client_id)
    return None if member is None else member.alias
