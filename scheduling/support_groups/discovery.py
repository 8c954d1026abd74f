"""Finding groups: public listings with their next meetings and seats, never their members."""

from __future__ import annotations

import uuid
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy import ScalarSelect, func, select
from sqlalchemy.orm import Session

from app.db.paging import Page, PageRequest, page_of
from app.directory.models import Clinic, TherapistProfile
from scheduling.appointments.models import (
    Appointment,
    AppointmentStatus,
    EnrollmentStatus,
    GroupEnrollment,
)
from scheduling.support_groups.membership import find_group
from scheduling.support_groups.models import GroupKind, SupportGroup
from scheduling.support_groups.reach import PlaceRule

NEXT_SHOWN = 3  # meetings listed per group; `meetings_ahead` counts them all


@dataclass(frozen=True)
class GroupFilters:
    """What a person looks for; times are read in their zone."""

    topic: str | None = None
    language: str | None = None
    kind: GroupKind | None = None
    age_group: str | None = None
    weekday: int | None = None  # 0 = Monday
    starts_from: int | None = None  # minutes after local midnight, inclusive
    starts_until: int | None = None  # exclusive
    zone: str = "UTC"
    jurisdiction: str | None = None
    seats_free: bool | None = None


@dataclass(frozen=True)
class MeetingSeats:
    """One meeting ahead with its seats."""

    id: uuid.UUID
    starts_at: datetime
    ends_at: datetime
    capacity: int
    seats_taken: int
    waitlist_length: int

    @property
    def seats_left(self) -> int:
        """Seats nobody holds."""
        return max(self.capacity - self.seats_taken, 0)


@dataclass
class GroupListing:
    """A group as anyone may see it."""

    group: SupportGroup
    host_name: str
    clinic_name: str
    meetings: list[MeetingSeats] = field(default_factory=list)

    @property
    def next_meetings(self) -> list[MeetingSeats]:
        """The first meetings ahead."""
        return self.meetings[:NEXT_SHOWN]

    @property
    def cadence(self) -> str:
        """`weekly` or `fortnightly`."""
        return "weekly" if self.group.interval_weeks == 1 else "fortnightly"

    @property
    def licensing_applies(self) -> bool:
        """Therapy groups: members must be where the host is licensed."""
        return self.group.kind is GroupKind.THERAPY

    @property
    def ended(self) -> bool:
        """The host ended the group."""
        return self.group.ended_at is not None

    @property
    def meetings_ahead(self) -> int:
        """Every meeting still to come."""
        return len(self.meetings)


def _meetings(
    session: Session, group_ids: list[uuid.UUID], now: datetime
) -> dict[uuid.UUID, list[MeetingSeats]]:
    """Each group's meetings ahead with seat counts (rows, not entities: thousands are cheap)."""

    def holding(status: EnrollmentStatus) -> ScalarSelect[int]:
        return (
            select(func.count())
            .where(
                GroupEnrollment.appointment_id == Appointment.id,
                GroupEnrollment.status == status,
            )
            .scalar_subquery()
        )

    rows = session.execute(
        select(
            Appointment.support_group_id,
            Appointment.id,
            Appointment.starts_at,
            Appointment.ends_at,
            Appointment.capacity,
            holding(EnrollmentStatus.ENROLLED),
            holding(EnrollmentStatus.WAITLISTED),
        )
        .where(
            Appointment.support_group_id.in_(group_ids),
            Appointment.status == AppointmentStatus.BOOKED,
            Appointment.starts_at > now,
        )
        .order_by(Appointment.starts_at, Appointment.id)
    )
    found: dict[uuid.UUID, list[MeetingSeats]] = defaultdict(list)
    for group_id, meeting_id, starts_at, ends_at, capacity, seated, waiting in rows:
        if group_id is None:
            continue  # never: the query asked for groups' meetings
        found[group_id].append(
            MeetingSeats(meeting_id, starts_at, ends_at, capacity, seated, waiting)
        )
    return found


def _in_window(meeting: MeetingSeats, filters: GroupFilters) -> bool:
    local = meeting.starts_at.astimezone(ZoneInfo(filters.zone))
    minute = local.hour * 60 + local.minute
    return (
        (filters.weekday is None or local.weekday() == filters.weekday)
        and (filters.starts_from is None or minute >= filters.starts_from)
        and (filters.starts_until is None or minute < filters.starts_until)
    )


def listings(session: Session, groups: list[SupportGroup], now: datetime) -> list[GroupListing]:
    """The groups with their hosts, clinics and meetings ahead (groups with none left out)."""
    meetings = _meetings(session, [g.id for g in groups], now)
    host_rows = select(TherapistProfile.id, TherapistProfile.display_name).where(
        TherapistProfile.id.in_({g.host_id for g in groups})
    )
    hosts = dict(session.execute(host_rows).all())
    clinic_rows = select(Clinic.id, Clinic.name).where(Clinic.id.in_({g.clinic_id for g in groups}))
    clinics = dict(session.execute(clinic_rows).all())
    return [
        GroupListing(group, hosts[group.host_id], clinics[group.clinic_id], meetings[group.id])
        for group in groups
        if meetings.get(group.id)
    ]


def discover_groups(
    filters: GroupFilters, *, session: Session, paging: PageRequest, now: datetime
) -> Page[GroupListing]:
    """Groups with a meeting ahead that fits every filter, soonest first; totals are exact."""
    query = select(SupportGroup).where(SupportGroup.ended_at.is_(None))
    for column, wanted in (
        (SupportGroup.topic, filters.topic),
        (SupportGroup.language, filters.language),
        (SupportGroup.kind, filters.kind),
        (SupportGroup.age_group, filters.age_group),
    ):
        if wanted is not None:
            query = query.where(column == wanted)
    fitting = []
    candidates = list(session.scalars(query))
    place = (
        None
        if filters.jurisdiction is None
        else PlaceRule(session, filters.jurisdiction, candidates)
    )
    for listing in listings(session, candidates, now):
        listing.meetings = [m for m in listing.meetings if _in_window(m, filters)]
        if filters.seats_free is not None:
            listing.meetings = [
                m for m in listing.meetings if (m.seats_left > 0) is filters.seats_free
            ]
        if not listing.meetings:
            continue
        if place is not None and not place.allows(
            listing.group, listing.meetings[0].starts_at.date()
        ):
            continue
        fitting.append(listing)
    fitting.sort(key=lambda item: (item.meetings[0].starts_at, str(item.group.id)))
    return page_of(fitting, paging)


def group_listing(session: Session, group_id: uuid.UUID, now: datetime) -> GroupListing:
    """One group as anyone may see it, ended or not."""
    group = find_group(session, group_id)
    host = session.get_one(TherapistProfile, group.host_id)
    clinic = session.get_one(Clinic, group.clinic_id)
    listing = GroupListing(group, host.display_name, clinic.name)
    listing.meetings = _meetings(session, [group.id], now).get(group.id, [])
    return listing
