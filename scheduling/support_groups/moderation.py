"""Moderation: the host or a clinic admin mutes, removes or bans; members report meetings."""

from __future__ import annotations

import uuid

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.audit import record_list_read, record_phi_access
from app.clock import utcnow
from app.db.paging import Page, PageRequest, paginate
from app.db.unit_of_work import unit_of_work
from app.directory.models import TherapistProfile
from app.directory.therapists import may_manage
from app.identity.models import Role
from app.identity.service import Principal
from scheduling.appointments.access import client_profile_of
from scheduling.appointments.models import Appointment, EnrollmentStatus, GroupEnrollment
from scheduling.support_groups.exceptions import GroupNotFound, MembershipConflict
from scheduling.support_groups.membership import active_member, end_membership, find_group
from scheduling.support_groups.models import (
    GroupMember,
    GroupModeration,
    MeetingReport,
    MemberStatus,
    ModerationAction,
    ReportStatus,
    SupportGroup,
)


def moderated_group(
    session: Session, principal: Principal, group_id: uuid.UUID, *, lock: bool = False
) -> SupportGroup:
    """The group if the caller hosts it or administers its clinic; 404 for anyone else."""
    group = find_group(session, group_id, lock=lock)
    if not may_manage(principal, session.get_one(TherapistProfile, group.host_id)):
        raise GroupNotFound("No group with this id.")
    return group


@unit_of_work
def moderate(
    *,
    session: Session,
    principal: Principal,
    group_id: uuid.UUID,
    member_id: uuid.UUID,
    action: ModerationAction,
    reason: str,
) -> GroupMember:
    """Mute or unmute a member, or remove (may rejoin) or ban (may not) them, with a reason."""
    group = moderated_group(session, principal, group_id, lock=True)
    member = session.scalar(
        select(GroupMember).where(GroupMember.id == member_id, GroupMember.group_id == group.id)
    )
    if member is None:
        raise GroupNotFound("No member with this id in this group.")
    now = utcnow()
    if action is ModerationAction.BAN:
        if member.status is MemberStatus.ACTIVE:
            end_membership(session, group, member, MemberStatus.BANNED)
        member.status, member.ended_at = MemberStatus.BANNED, member.ended_at or now
    elif member.status is not MemberStatus.ACTIVE:
        raise MembershipConflict("This member is no longer in the group.")
    elif action is ModerationAction.REMOVE:
        end_membership(session, group, member, MemberStatus.REMOVED)
    else:
        member.muted_at = now if action is ModerationAction.MUTE else None
    session.add(
        GroupModeration(
            group_id=group.id,
            member_id=member.id,
            action=action,
            reason=reason,
            actor_id=principal.user.id,
            at=now,
        )
    )
    record_phi_access(
        session=session,
        actor_id=principal.user.id,
        action=f"support_group.{action.value}",
        resource_type="group_member",
        resource_id=member.id,
        subject_client_id=member.client_id,
        clinic_id=group.clinic_id,
    )
    return member


@unit_of_work
def report_meeting(
    *,
    session: Session,
    principal: Principal,
    group_id: uuid.UUID,
    meeting_id: uuid.UUID,
    reason: str,
) -> MeetingReport:
    """A member tells the clinic about something in a meeting they had a seat in."""
    client = client_profile_of(principal, session=session)
    group = find_group(session, group_id)
    member = active_member(session, group.id, client.id)
    had_seat = session.scalar(
        select(GroupEnrollment.id)
        .join(Appointment, Appointment.id == GroupEnrollment.appointment_id)
        .where(
            Appointment.id == meeting_id,
            Appointment.support_group_id == group.id,
            GroupEnrollment.client_id == client.id,
            GroupEnrollment.status == EnrollmentStatus.ENROLLED,
        )
    )
    if had_seat is None:
        raise GroupNotFound("No meeting of this group with this id among yours.")
    report = MeetingReport(
        clinic_id=group.clinic_id,
        group_id=group.id,
        meeting_id=meeting_id,
        reporter_id=member.id,
        reason=reason,
        status=ReportStatus.OPEN,
        created_at=utcnow(),
    )
    session.add(report)
    session.flush()
    _audit_report(session, principal, report, member.client_id, "support_group.report")
    return report


@unit_of_work
def clinic_reports(
    *,
    session: Session,
    principal: Principal,
    paging: PageRequest,
    status: ReportStatus | None = None,
) -> Page[MeetingReport]:
    """The reports about the admin's clinic's groups, newest first."""
    if principal.role is not Role.ADMIN or principal.user.clinic_id is None:
        raise GroupNotFound("Only clinic admins see reports.")
    query = select(MeetingReport).where(MeetingReport.clinic_id == principal.user.clinic_id)
    if status is not None:
        query = query.where(MeetingReport.status == status)
    page = paginate(
        session, query.order_by(MeetingReport.created_at.desc(), MeetingReport.id), paging
    )
    record_list_read(
        session=session,
        actor_id=principal.user.id,
        resource_type="group_meeting_report",
        subjects=(
            (session.get_one(GroupMember, r.reporter_id).client_id, r.clinic_id) for r in page.items
        ),
        scope_id=principal.user.clinic_id,
        scope_clinic_id=principal.user.clinic_id,
    )
    return page


@unit_of_work
def clinic_report(*, session: Session, principal: Principal, report_id: uuid.UUID) -> MeetingReport:
    """One report about the admin's clinic's groups."""
    report = session.get(MeetingReport, report_id)
    if (
        report is None
        or principal.role is not Role.ADMIN
        or report.clinic_id != principal.user.clinic_id
    ):
        raise GroupNotFound("No report with this id.")
    reporter = session.get_one(GroupMember, report.reporter_id)
    _audit_report(session, principal, report, reporter.client_id, "read")
    return report


@unit_of_work
def resolve_report(
    *, session: Session, principal: Principal, report_id: uuid.UUID, resolution: str
) -> MeetingReport:
    """Close a report with what the clinic did."""
    report = session.scalar(
        select(MeetingReport).where(MeetingReport.id == report_id).with_for_update()
    )
    if (
        report is None
        or principal.role is not Role.ADMIN
        or report.clinic_id != principal.user.clinic_id
    ):
        raise GroupNotFound("No report with this id.")
    if report.status is ReportStatus.RESOLVED:
        raise MembershipConflict("This report is already resolved.")
    report.status, report.resolution = ReportStatus.RESOLVED, resolution
    report.resolved_at, report.resolved_by_id = utcnow(), principal.user.id
    _audit_report(session, principal, report, None, "support_group.report_resolved")
    return report


def _audit_report(
    session: Session,
    principal: Principal,
    report: MeetingReport,
    client_id: uuid.UUID | None,
    action: str,
) -> None:
    record_phi_access(
        session=session,
        actor_id=principal.user.id,
        action=action,
        resource_type="group_meeting_report",
        resource_id=report.id,
        subject_client_id=client_id,
        clinic_id=report.clinic_id,
    )
