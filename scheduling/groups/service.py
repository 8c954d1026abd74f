"""Group sessions: a therapist hosts, clients enroll up to capacity, then a waitlist in order."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.audit import record_list_read, record_phi_access
from app.clock import utcnow
from app.consent.service import require_consent
from app.db.unit_of_work import unit_of_work
from app.directory.models import TherapistProfile
from app.directory.therapists import get_therapist, managed_therapist, may_manage
from app.identity.models import Role
from app.identity.service import Principal
from scheduling.appointments.access import booking_client_of, client_profile_of
from scheduling.appointments.booking import place_times
from scheduling.appointments.checks import check_client_free, check_license, check_slot
from scheduling.appointments.events import appointment_changed
from scheduling.appointments.history import record_event
from scheduling.appointments.holds import expire_stale_holds
from scheduling.appointments.models import (
    Appointment,
    AppointmentKind,
    AppointmentStatus,
    EnrollmentStatus,
    GroupEnrollment,
)
from scheduling.exceptions import AppointmentNotFound, InvalidTransition, NotBookable, SlotTaken
from scheduling.groups.places import places
from scheduling.session_types.models import SessionType
from scheduling.session_types.service import offered_session_type


@unit_of_work
def create_group_session(
    *,
    session: Session,
    principal: Principal,
    therapist_id: uuid.UUID,
    session_type_id: uuid.UUID,
    start: datetime,
    capacity: int | None,
) -> Appointment:
    """Schedule a group session in one of the therapist's listed slots."""
    now = utcnow()
    therapist, session_type = host_and_group_type(
        principal, therapist_id, session_type_id, session=session, now=now
    )
    check_slot(
        session=session, therapist=therapist, session_type=session_type, start=start, now=now
    )
    group = Appointment(
        clinic_id=therapist.clinic_id,
        therapist_id=therapist.id,
        client_id=None,
        session_type_id=session_type.id,
        kind=AppointmentKind.GROUP,
        capacity=capacity or session_type.capacity,
        status=AppointmentStatus.BOOKED,
        pending_reason=None,
        created_by_id=principal.user.id,
        status_changed_at=now,
        status_changed_by_id=principal.user.id,
    )
    place_times(group, session_type, start)
    record_event(group, action="created", actor_id=principal.user.id, from_status=None)
    session.add(group)
    # the host's invite and reminders (members get theirs when they take a seat)
    appointment_changed(group, "booked", session=session, client_ids=[])
    return group


def host_and_group_type(
    principal: Principal,
    therapist_id: uuid.UUID,
    session_type_id: uuid.UUID,
    *,
    session: Session,
    now: datetime,
) -> tuple[TherapistProfile, SessionType]:
    """The host the caller manages and one of their group session types (stale holds gone)."""
    therapist = managed_therapist(principal, therapist_id, session=session)
    session_type = offered_session_type(therapist, session_type_id, session=session)
    if not session_type.is_group:
        raise NotBookable("This session type is not a group session type.")
    expire_stale_holds(session=session, therapist_id=therapist.id, client_id=None, now=now)
    return therapist, session_type


def active_place(group: Appointment, client_id: uuid.UUID) -> GroupEnrollment | None:
    """The client's seat or waitlist place in the group session, if they hold one."""
    return next(
        (
            e
            for e in group.enrollments
            if e.client_id == client_id and e.status is not EnrollmentStatus.LEFT
        ),
        None,
    )


def open_group(session: Session, group_id: uuid.UUID, *, now: datetime) -> Appointment:
    """The group session, locked so that seat counting is serialized."""
    group = session.scalar(
        select(Appointment)
        .where(Appointment.id == group_id, Appointment.kind == AppointmentKind.GROUP)
        .with_for_update()
    )
    if group is None:
        raise AppointmentNotFound("No group session with this id.")
    if group.status is not AppointmentStatus.BOOKED or group.starts_at <= now:
        raise InvalidTransition("This group session is not open for enrollment.")
    return group


def _seats_taken(session: Session, group_id: uuid.UUID) -> int:
    return (
        session.scalar(
            select(func.count()).where(
                GroupEnrollment.appointment_id == group_id,
                GroupEnrollment.status == EnrollmentStatus.ENROLLED,
            )
        )
        or 0
    )


@unit_of_work
def enroll(*, session: Session, principal: Principal, group_id: uuid.UUID) -> GroupEnrollment:
    """Take a seat, or a place on the waitlist when the group is full."""
    now = utcnow()
    client = booking_client_of(principal, session=session)
    group = open_group(session, group_id, now=now)
    if group.support_group_id is not None:
        raise InvalidTransition(
            "This is a meeting of a support group: join it with an alias and its guidelines "
            f"(POST /api/v1/groups/{group.support_group_id}/members)."
        )
    require_consent(client.id, group.clinic_id, session=session)
    if active_place(group, client.id) is not None:
        raise SlotTaken("You are already enrolled or waitlisted in this group.")
    check_license(get_therapist(group.therapist_id, session=session), client, group.starts_at)
    check_client_free(
        session=session, client=client, start=group.starts_at, end=group.ends_at, now=now
    )
    enrollment = take_place(group, client.id, session=session, now=now)
    seated = enrollment.status is EnrollmentStatus.ENROLLED
    _audit_member(
        session, principal, group, client.id, "group.enroll" if seated else "group.waitlist"
    )
    return enrollment


def take_place(
    group: Appointment, client_id: uuid.UUID, *, session: Session, now: datetime
) -> GroupEnrollment:
    """A seat in the (locked) group session, or the next waitlist place when it is full."""
    full = _seats_taken(session, group.id) >= group.capacity
    enrollment = GroupEnrollment(
        appointment_id=group.id,
        client_id=client_id,
        queued_at=now,
        status=EnrollmentStatus.WAITLISTED if full else EnrollmentStatus.ENROLLED,
        seated_at=None if full else now,
    )
    session.add(enrollment)
    session.flush()
    if not full:
        appointment_changed(group, "booked", session=session, client_ids=[str(client_id)])
    return enrollment


def _audit_member(
    session: Session, principal: Principal, group: Appointment, client_id: uuid.UUID, action: str
) -> None:
    record_phi_access(
        session=session,
        actor_id=principal.user.id,
        action=action,
        resource_type="group_session",
        resource_id=group.id,
        subject_client_id=client_id,
        clinic_id=group.clinic_id,
    )


@unit_of_work
def leave(*, session: Session, principal: Principal, group_id: uuid.UUID) -> GroupEnrollment:
    """Give up a seat or waitlist place; the first on the waitlist takes a freed seat."""
    now = utcnow()
    client = client_profile_of(principal, session=session)
    group = open_group(session, group_id, now=now)
    mine = active_place(group, client.id)
    if mine is None:
        raise AppointmentNotFound("You are not enrolled in this group session.")
    _audit_member(session, principal, group, client.id, "group.leave")
    if give_up_place(group, mine, session=session, now=now):
        appointment_changed(group, "cancelled", session=session, client_ids=[str(client.id)])
    return mine


def give_up_place(
    group: Appointment, mine: GroupEnrollment, *, session: Session, now: datetime
) -> bool:
    """Leave a seat or waitlist place (the first waiting takes a freed seat); True if a seat."""
    freed_seat = mine.status is EnrollmentStatus.ENROLLED
    mine.status, mine.left_at = EnrollmentStatus.LEFT, now
    session.flush()
    if freed_seat and _seats_taken(session, group.id) < group.capacity:
        waiting = session.scalar(
            select(GroupEnrollment)
            .where(
                GroupEnrollment.appointment_id == group.id,
                GroupEnrollment.status == EnrollmentStatus.WAITLISTED,
            )
            .order_by(GroupEnrollment.queued_at, GroupEnrollment.id)
            .limit(1)
        )
        if waiting is not None:
            waiting.status, waiting.seated_at = EnrollmentStatus.ENROLLED, now
            appointment_changed(
                group, "booked", session=session, client_ids=[str(waiting.client_id)]
            )
    return freed_seat


def group_roster(group: Appointment) -> dict[str, list[GroupEnrollment]]:
    """Enrolled and waitlisted clients in order (for the host and the clinic)."""
    ordered = sorted(group.enrollments, key=lambda e: (e.queued_at, str(e.id)))
    return {
        "enrolled": [e for e in ordered if e.status is EnrollmentStatus.ENROLLED],
        "waitlisted": [e for e in ordered if e.status is EnrollmentStatus.WAITLISTED],
    }


@unit_of_work
def group_details(*, session: Session, principal: Principal, group_id: uuid.UUID) -> dict[str, Any]:
    """A group session with counts; the host and clinic also get the roster, clients their seat.

    Clients see any group (they enroll by its id); staff only those they manage: to any other
    staff member a group does not exist, as a random id does not (404, never 403).
    """
    group = session.scalar(
        select(Appointment).where(
            Appointment.id == group_id, Appointment.kind == AppointmentKind.GROUP
        )
    )
    therapist = None if group is None else session.get(TherapistProfile, group.therapist_id)
    if (
        group is None
        or therapist is None
        or not (may_manage(principal, therapist) or principal.role is Role.CLIENT)
    ):
        raise AppointmentNotFound("No group session with this id.")
    roster = group_roster(group)
    details: dict[str, Any] = {
        "group": group,
        "seats_taken": len(roster["enrolled"]),
        "waitlist_length": len(roster["waitlisted"]),
        "roster": None,
    }
    if may_manage(principal, therapist):
        details["roster"] = places(session, group, roster)
        record_list_read(  # the host or the clinic sees who is in the group
            session=session,
            actor_id=principal.user.id,
            resource_type="group_roster",
            subjects=((e.client_id, group.clinic_id) for e in group.enrollments),
            scope_id=group.id,
            scope_clinic_id=group.clinic_id,
        )
    else:
        client = client_profile_of(principal, session=session)
        details["roster"] = places(session, group, roster, only_client=client.id)
        _audit_member(session, principal, group, client.id, "read")
    return details
