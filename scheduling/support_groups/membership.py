"""Joining and leaving a support group: alias, guidelines, place rules, seats or waitlist."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.audit import record_phi_access
from app.clock import utcnow
from app.consent.service import require_consent
from app.db.unit_of_work import unit_of_work
from app.directory.ages import age_group_of
from app.directory.models import ClientProfile, TherapistProfile
from app.identity.service import Principal
from app.jurisdictions import place_name
from app.vocabularies import AGE_GROUPS
from scheduling.appointments.access import booking_client_of, client_profile_of
from scheduling.appointments.checks import check_client_free, check_license
from scheduling.appointments.events import appointment_changed
from scheduling.appointments.models import (
    Appointment,
    AppointmentStatus,
    GroupEnrollment,
)
from scheduling.exceptions import NotLicensedThere, SlotTaken
from scheduling.groups.service import active_place, give_up_place, open_group, take_place
from scheduling.support_groups.aliases import alias_key, checked_alias
from scheduling.support_groups.exceptions import (
    GroupNotFound,
    GuidelinesNotAccepted,
    InvalidAlias,
    MembershipConflict,
    NotWelcome,
)
from scheduling.support_groups.models import (
    GroupKind,
    GroupMember,
    GuidelinesAcceptance,
    MemberStatus,
    SupportGroup,
)
from scheduling.support_groups.reach import PlaceRule


@dataclass
class Joined:
    """A membership and what it got: a seat or waitlist place per meeting, or why not."""

    member: GroupMember
    places: list[GroupEnrollment] = field(default_factory=list)
    skipped: list[dict[str, str]] = field(default_factory=list)


def find_group(session: Session, group_id: uuid.UUID, *, lock: bool = False) -> SupportGroup:
    """The group (locked when asked), or GroupNotFound."""
    query = select(SupportGroup).where(SupportGroup.id == group_id)
    group = session.scalar(query.with_for_update() if lock else query)
    if group is None:
        raise GroupNotFound("No group with this id.")
    return group


def upcoming_meetings(session: Session, group_id: uuid.UUID, now: datetime) -> list[Appointment]:
    """The group's booked meetings still to start, in order."""
    return list(
        session.scalars(
            select(Appointment)
            .where(
                Appointment.support_group_id == group_id,
                Appointment.status == AppointmentStatus.BOOKED,
                Appointment.starts_at > now,
            )
            .order_by(Appointment.starts_at, Appointment.id)
        )
    )


def _check_welcome(
    session: Session, group: SupportGroup, client: ClientProfile, where: str
) -> None:
    now = utcnow()
    if group.ended_at is not None:
        raise MembershipConflict("This group has ended.")
    wanted = age_group_of(client.age_group, client.date_of_birth, now.date())
    if wanted != group.age_group:
        raise NotWelcome(f"This group is for {AGE_GROUPS[group.age_group].lower()}.")
    if group.kind is GroupKind.PEER and not PlaceRule(session, where, [group]).allows(
        group, now.date()
    ):
        raise NotLicensedThere(
            f"This clinic's groups are not open to members in {place_name(where)}.",
            errors={"located_in": ["Outside the places this clinic serves."]},
        )


def _membership(
    session: Session, group: SupportGroup, client: ClientProfile, alias: str, where: str
) -> GroupMember:
    """The client's membership, created or taken up again; a ban or a taken alias refuses."""
    now = utcnow()
    member = session.scalar(
        select(GroupMember).where(
            GroupMember.group_id == group.id, GroupMember.client_id == client.id
        )
    )
    if member is not None and member.status is MemberStatus.BANNED:
        raise NotWelcome("You may not join this group again.")
    shown = checked_alias(
        alias, own_names=[client.display_name, client.user.email.partition("@")[0]]
    )
    key = alias_key(shown)
    holder = session.scalar(
        select(GroupMember.id).where(GroupMember.group_id == group.id, GroupMember.alias_key == key)
    )
    if holder is not None and (member is None or holder != member.id):
        raise InvalidAlias(
            "Someone in this group has this alias: choose another.",
            errors={"alias": ["Taken in this group."]},
        )
    if member is None:
        member = GroupMember(group_id=group.id, client_id=client.id, joined_at=now)
        session.add(member)
    member.alias, member.alias_key, member.located_in = shown, key, where
    member.status, member.ended_at = MemberStatus.ACTIVE, None
    return member


def _accept_guidelines(
    session: Session, group: SupportGroup, client: ClientProfile, version: int
) -> None:
    if version != group.guidelines_version:
        raise GuidelinesNotAccepted(
            "Read and accept the group's current guidelines to join.",
            errors={"guidelines_version": [f"The current version is {group.guidelines_version}."]},
        )
    accepted = session.scalar(
        select(GuidelinesAcceptance.id).where(
            GuidelinesAcceptance.group_id == group.id,
            GuidelinesAcceptance.client_id == client.id,
            GuidelinesAcceptance.version == version,
        )
    )
    if accepted is None:
        session.add(
            GuidelinesAcceptance(
                group_id=group.id, client_id=client.id, version=version, accepted_at=utcnow()
            )
        )


def _take_places(
    session: Session,
    group: SupportGroup,
    client: ClientProfile,
    meetings: list[Appointment],
    joined: Joined,
) -> None:
    now = utcnow()
    host = session.get_one(TherapistProfile, group.host_id)
    for listed in meetings:
        meeting = open_group(session, listed.id, now=now)  # locked: seats are counted in turn
        if active_place(meeting, client.id) is not None:
            continue
        try:
            if group.kind is GroupKind.THERAPY:
                check_license(host, client, meeting.starts_at, located_in=joined.member.located_in)
            check_client_free(
                session=session,
                client=client,
                start=meeting.starts_at,
                end=meeting.ends_at,
                now=now,
            )
        except (NotLicensedThere, SlotTaken) as refused:
            joined.skipped.append({"meeting_id": str(meeting.id), "reason": str(refused)})
            continue
        joined.places.append(take_place(meeting, client.id, session=session, now=now))


@unit_of_work
def join_group(
    *,
    session: Session,
    principal: Principal,
    group_id: uuid.UUID,
    alias: str,
    guidelines_version: int,
    meeting_id: uuid.UUID | None = None,
    located_in: str | None = None,
) -> Joined:
    """Join the series (every meeting ahead) or one meeting, under an alias."""
    client = booking_client_of(principal, session=session)
    group = find_group(session, group_id, lock=True)  # one join at a time per group: aliases
    where = located_in or client.jurisdiction
    _check_welcome(session, group, client, where)
    require_consent(client.id, group.clinic_id, session=session)
    _accept_guidelines(session, group, client, guidelines_version)
    member = _membership(session, group, client, alias, where)
    member.whole_series = meeting_id is None or bool(member.whole_series)
    session.flush()
    meetings = upcoming_meetings(session, group.id, utcnow())
    if meeting_id is not None:
        meetings = [m for m in meetings if m.id == meeting_id]
        if not meetings:
            raise GroupNotFound("No meeting of this group ahead with this id.")
    joined = Joined(member)
    _take_places(session, group, client, meetings, joined)
    if not joined.places:
        reasons = "; ".join(sorted({s["reason"] for s in joined.skipped}))
        raise SlotTaken(
            f"No meeting could be joined: {reasons or 'you already have a place in each.'}",
            errors={"skipped": joined.skipped},
        )
    _audit(session, principal, group, client.id, "support_group.join")
    return joined


@unit_of_work
def leave_group(*, session: Session, principal: Principal, group_id: uuid.UUID) -> GroupMember:
    """Leave the group: every seat and waitlist place ahead is given up (a seat to the next)."""
    client = client_profile_of(principal, session=session)
    group = find_group(session, group_id, lock=True)
    member = active_member(session, group.id, client.id)
    end_membership(session, group, member, MemberStatus.LEFT)
    _audit(session, principal, group, client.id, "support_group.leave")
    return member


def active_member(session: Session, group_id: uuid.UUID, client_id: uuid.UUID) -> GroupMember:
    """The client's active membership of the group, or GroupNotFound."""
    member = session.scalar(
        select(GroupMember).where(
            GroupMember.group_id == group_id,
            GroupMember.client_id == client_id,
            GroupMember.status == MemberStatus.ACTIVE,
        )
    )
    if member is None:
        raise GroupNotFound("You are not a member of this group.")
    return member


def end_membership(
    session: Session, group: SupportGroup, member: GroupMember, status: MemberStatus
) -> None:
    """Give up the member's places in every meeting ahead and set how the membership ended."""
    now = utcnow()
    for meeting in upcoming_meetings(session, group.id, now):
        locked = open_group(session, meeting.id, now=now)
        mine = active_place(locked, member.client_id)
        if mine is not None and give_up_place(locked, mine, session=session, now=now):
            appointment_changed(
                locked, "cancelled", session=session, client_ids=[str(member.client_id)]
            )
    member.status, member.ended_at = status, now


def _audit(
    session: Session, principal: Principal, group: SupportGroup, client_id: uuid.UUID, action: str
) -> None:
    record_phi_access(
        session=session,
        actor_id=principal.user.id,
        action=action,
        resource_type="support_group",
        resource_id=group.id,
        subject_client_id=client_id,
        clinic_id=group.clinic_id,
    )
