"""Slot engine benchmark (run by hand: `python -m bench.slots`; never part of the test suite).

Setup printed with the figures: one therapist with a realistic week and about 40 booked
appointments over 30 days; and 500 therapists for a "next 3 free slots in 14 days" search.
Set BENCH_DATABASE_URL=postgresql://... to measure on PostgreSQL instead of SQLite.
"""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.clock import utcnow
from app.directory.models import ClientProfile, Clinic, TherapistProfile
from app.identity.security import Security
from bench.common import fresh_database, measure
from scheduling.appointments.models import Appointment, AppointmentKind, AppointmentStatus
from scheduling.availability.models import AvailabilityRule
from scheduling.session_types.models import SessionType
from scheduling.session_types.service import slot_policy
from scheduling.slots.engine import bookable_starts
from scheduling.slots.inputs import availabilities, busy_intervals
from scheduling.slots.service import SlotList, list_slots, next_free_slots
from tests.factories import make_client, make_clinic, make_therapist

WEEK = {
    0: [(9, 12), (13, 17)],
    1: [(9, 12), (13, 17)],
    2: [(12, 20)],
    3: [(9, 12), (13, 17)],
    4: [(9, 13)],
    5: [(10, 14)],
}


def add_practice(
    session: Session, security: Security, clinic: Clinic, zone: str
) -> tuple[TherapistProfile, SessionType]:
    therapist = make_therapist(session, security, clinic, timezone=zone)
    for weekday, spans in WEEK.items():
        for start, end in spans:
            session.add(
                AvailabilityRule(
                    therapist_id=therapist.id,
                    timezone=zone,
                    weekday=weekday,
                    start_minute=start * 60,
                    end_minute=end * 60,
                )
            )
    session_type = SessionType(
        clinic_id=clinic.id,
        therapist_id=therapist.id,
        name="Session",
        duration_minutes=50,
        buffer_after_minutes=10,
        min_notice_minutes=0,
        horizon_days=90,
        slot_step_minutes=30,
    )
    session.add(session_type)
    session.flush()
    return therapist, session_type


def book_around(
    session: Session,
    therapist: TherapistProfile,
    session_type: SessionType,
    client: ClientProfile,
    start: datetime,
    count: int,
    rng: random.Random,
) -> int:
    placed, tries = 0, 0
    taken: list[datetime] = []
    while placed < count and tries < count * 20:
        tries += 1
        day = start + timedelta(days=rng.randrange(30))
        at = datetime(
            day.year, day.month, day.day, rng.choice([14, 15, 16, 18, 19, 20]), tzinfo=UTC
        )
        if any(abs((at - t).total_seconds()) < 3600 for t in taken):
            continue
        taken.append(at)
        session.add(
            Appointment(
                clinic_id=therapist.clinic_id,
                therapist_id=therapist.id,
                client_id=client.id,
                session_type_id=session_type.id,
                kind=AppointmentKind.INDIVIDUAL,
                status=AppointmentStatus.BOOKED,
                starts_at=at,
                ends_at=at + timedelta(minutes=50),
                block_starts_at=at,
                block_ends_at=at + timedelta(minutes=60),
                created_by_id=client.user_id,
                status_changed_at=utcnow(),
            )
        )
        placed += 1
    session.commit()
    return placed


def one_therapist(
    session: Session,
    therapist: TherapistProfile,
    session_type: SessionType,
    *,
    start: datetime,
    end: datetime,
    now: datetime,
) -> None:
    """Time one therapist's listing, through the service and through the pure engine."""

    def listing() -> SlotList:
        return list_slots(
            session=session,
            therapist_id=therapist.id,
            session_type_id=session_type.id,
            start=start,
            end=end,
            now=now,
        )

    print(f"30-day listing has {len(listing().slots)} slots")
    measure("30 days of slots, one therapist (service, with queries)", 300, listing)
    availability = availabilities([therapist], session=session, start=start.date(), end=end.date())[
        therapist.id
    ]
    busy = busy_intervals([therapist.id], session=session, start=start, end=end, now=now)[
        therapist.id
    ]
    policy = slot_policy(session_type)
    measure(
        "30 days of slots, one therapist (pure engine)",
        300,
        lambda: bookable_starts(
            availability, policy, busy, window_start=start, window_end=end, now=now
        ),
    )


def many_therapists(
    session: Session,
    security: Security,
    clinic: Clinic,
    *,
    start: datetime,
    now: datetime,
    rng: random.Random,
) -> None:
    """Add 499 more therapists (every fifth with bookings) and time a search over all of them."""
    zones = ["America/New_York", "America/Chicago", "America/Denver", "America/Los_Angeles"]
    for index in range(499):
        other, other_type = add_practice(session, security, clinic, zones[index % 4])
        if index % 5 == 0:
            book_around(session, other, other_type, make_client(session, security), start, 8, rng)
    session.commit()
    therapists = list(session.scalars(select(TherapistProfile)))
    print(f"search over {len(therapists)} therapists, 14-day window")
    measure(
        "next 3 slots for 500 therapists over 14 days",
        30,
        lambda: next_free_slots(
            therapists,
            session=session,
            start=start,
            end=start + timedelta(days=14),
            per_therapist=3,
            now=now,
        ),
    )


def main() -> None:
    """Set up one therapist with bookings, time their slots, then a search over 500."""
    url, session, security = fresh_database()
    rng = random.Random(7)
    clinic = make_clinic(session)
    therapist, session_type = add_practice(session, security, clinic, "America/New_York")
    client = make_client(session, security)
    now = utcnow()
    start = now + timedelta(days=1)
    booked = book_around(session, therapist, session_type, client, start, 40, rng)
    end = start + timedelta(days=30)
    print(
        f"database: {url.split('://')[0]}; therapist week: 6 days, {booked} booked "
        "appointments in 30 days, 50-min sessions every 30 min"
    )
    one_therapist(session, therapist, session_type, start=start, end=end, now=now)
    many_therapists(session, security, clinic, start=start, now=now, rng=rng)


if __name__ == "__main__":
    main()
