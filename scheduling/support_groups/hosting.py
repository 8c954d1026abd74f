"""Hosting a support group: its series of meetings, placed in the host's slots."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session

from app.audit import record_phi_access
from app.clock import utcnow
from app.db.unit_of_work import unit_of_work
from app.directory.models import TherapistProfile
from app.identity.service import Principal
from scheduling.appointments.booking import place_times
from scheduling.appointments.checks import check_slot
from scheduling.appointments.events import appointment_changed
from scheduling.appointments.history import record_event
from scheduling.appointments.models import Appointment, AppointmentKind, AppointmentStatus
from scheduling.appointments.series import occurrence_starts
from scheduling.exceptions import NotBookable, SlotTaken
from scheduling.groups.service import host_and_group_type
from scheduling.session_types.models import SessionType
from scheduling.support_groups.models import GroupKind, SupportGroup


@unit_of_work
def host_group(
    *,
    session: Session,
    principal: Principal,
    therapist_id: uuid.UUID,
    session_type_id: uuid.UUID,
    first_start: datetime,
    occurrences: int,
    interval_weeks: int,
    capacity: int | None,
    **described: Any,
) -> SupportGroup:
    """Create a recurring group: every meeting must be one of the host's free group slots."""
    now = utcnow()
    host, session_type = host_and_group_type(
        principal, therapist_id, session_type_id, session=session, now=now
    )
    if host.peer_facilitator and described["kind"] is GroupKind.THERAPY:
        raise NotBookable(
            "A therapy group is led by a licensed therapist; a peer facilitator leads peer "
            "support groups.",
            errors={"kind": ["Use peer for a group a peer facilitator leads."]},
        )
    starts = occurrence_starts(
        first_start, host.timezone, interval_weeks=interval_weeks, count=occurrences
    )
    conflicts = []
    for start in starts:
        try:
            check_slot(
                session=session, therapist=host, session_type=session_type, start=start, now=now
            )
        except (NotBookable, SlotTaken) as refused:
            conflicts.append({"start": start.isoformat(), "reason": str(refused)})
    if conflicts:
        raise SlotTaken(
            "Some meetings are not free group slots of the host; nothing was created.",
            errors={"conflicts": conflicts},
        )
    group = schedule_group(
        session=session,
        host=host,
        session_type=session_type,
        starts=starts,
        interval_weeks=interval_weeks,
        capacity=capacity,
        actor_id=principal.user.id,
        now=now,
        **described,
    )
    record_phi_access(
        session=session,
        actor_id=principal.user.id,
        action="support_group.create",
        resource_type="support_group",
        resource_id=group.id,
        subject_client_id=None,
        clinic_id=group.clinic_id,
    )
    return group


def schedule_group(
    *,
    session: Session,
    host: TherapistProfile,
    session_type: SessionType,
    starts: list[datetime],
    interval_weeks: int,
    capacity: int | None,
    actor_id: uuid.UUID,
    now: datetime,
    **described: Any,
) -> SupportGroup:
    """Add the group and one group session per start (checked by the caller), announced."""
    first_start = starts[0]
    local = first_start.astimezone(ZoneInfo(host.timezone))
    group = SupportGroup(
        clinic_id=host.clinic_id,
        host_id=host.id,
        session_type_id=session_type.id,
        capacity=capacity or session_type.capacity,
        interval_weeks=interval_weeks,
        timezone=host.timezone,
        first_date=local.date(),
        start_minute=local.hour * 60 + local.minute,
        occurrences=len(starts),
        created_by_id=actor_id,
        created_at=now,
        **described,
    )
    session.add(group)
    session.flush()
    for start in starts:
        meeting = Appointment(
            clinic_id=host.clinic_id,
            therapist_id=host.id,
            client_id=None,
            session_type_id=session_type.id,
            kind=AppointmentKind.GROUP,
            capacity=group.capacity,
            status=AppointmentStatus.BOOKED,
            pending_reason=None,
            created_by_id=actor_id,
            status_changed_at=now,
            status_changed_by_id=actor_id,
            support_group_id=group.id,
        )
        place_times(meeting, session_type, start)
        record_event(meeting, action="created", actor_id=actor_id, from_status=None)
        session.add(meeting)
        session.flush()
        appointment_changed(meeting, "booked", session=session, client_ids=[])
    return group
