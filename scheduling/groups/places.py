"""Places in a group session as staff see them: in a support group by alias, and in a peer group
without the client's id (the host of a peer group does not learn who its members are)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.orm import Session

from scheduling.appointments.models import Appointment, EnrollmentStatus, GroupEnrollment
from scheduling.support_groups.models import GroupKind, SupportGroup


@dataclass(frozen=True)
class Place:
    """A seat or waitlist place, with the member's alias in a support group."""

    enrollment: GroupEnrollment
    alias: str | None
    hide_client: bool

    @property
    def id(self) -> uuid.UUID:
        """The enrollment's id."""
        return self.enrollment.id

    @property
    def appointment_id(self) -> uuid.UUID:
        """The group session's id."""
        return self.enrollment.appointment_id

    @property
    def client_id(self) -> uuid.UUID | None:
        """The client's id, unless hidden (a peer support group's host)."""
        return None if self.hide_client else self.enrollment.client_id

    @property
    def status(self) -> EnrollmentStatus:
        """Seated or waiting."""
        return self.enrollment.status

    @property
    def queued_at(self) -> datetime:
        """When the place was taken."""
        return self.enrollment.queued_at

    @property
    def seated_at(self) -> datetime | None:
        """When the seat came, if it did."""
        return self.enrollment.seated_at


def places(
    session: Session,
    group: Appointment,
    roster: dict[str, list[GroupEnrollment]],
    *,
    only_client: uuid.UUID | None = None,
) -> dict[str, list[Place]]:
    """The roster for the host or the clinic (aliases in support groups, no ids in peer ones),
    or a member's own place (`only_client`)."""
    support = (
        None
        if group.support_group_id is None
        else session.get(SupportGroup, group.support_group_id)
    )
    aliases = {} if support is None else {m.client_id: m.alias for m in support.members}
    hide = only_client is None and support is not None and support.kind is GroupKind.PEER
    return {
        status: [
            Place(e, aliases.get(e.client_id), hide)
            for e in entries
            if only_client is None or e.client_id == only_client
        ]
        for status, entries in roster.items()
    }
