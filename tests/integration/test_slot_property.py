"""Property: every listed slot can be booked, and nothing unlisted can (many zones, DST dates)."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from app.clock import utcnow
from app.exceptions import DomainError
from app.identity.service import Principal
from scheduling.appointments.booking import book
from scheduling.appointments.lifecycle import cancel
from scheduling.availability.models import AvailabilityRule
from scheduling.slots.service import list_slots
from tests.factories import make_client, make_clinic, make_therapist
from tests.scheduling_factories import make_session_type

ZONES = [
    "America/New_York",
    "Europe/Berlin",
    "Australia/Sydney",
    "Australia/Lord_Howe",
    "Asia/Kolkata",
    "Asia/Kathmandu",
    "Pacific/Chatham",
    "America/St_Johns",
    "Australia/Adelaide",
    "America/Santiago",
    "Europe/London",
    "UTC",
]
TODAY = utcnow().date()


def dst_change_dates(zone: str) -> list[date]:
    """Local dates in the next 400 days on which the zone's offset changes."""
    tz = ZoneInfo(zone)
    changes = []
    for offset in range(2, 400):
        day = TODAY + timedelta(days=offset)
        start = datetime(day.year, day.month, day.day, tzinfo=tz)
        if start.utcoffset() != (start + timedelta(days=1)).utcoffset():
            changes.append(day)
    return changes


@st.composite
def scenarios(draw):
    zone = draw(st.sampled_from(ZONES))
    changes = dst_change_dates(zone)
    near_change = st.sampled_from(changes) if changes else st.nothing()
    day = draw(near_change | st.dates(TODAY + timedelta(days=2), TODAY + timedelta(days=380)))
    intervals = []
    for weekday in draw(st.sets(st.integers(0, 6), min_size=1, max_size=7)):
        start = draw(st.integers(0, 20 * 4)) * 15
        length = draw(st.integers(4, 14 * 4)) * 15
        intervals.append((weekday, start, min(start + length, 24 * 60)))
    session_type = {
        "duration_minutes": draw(st.sampled_from([30, 45, 50, 60, 90])),
        "slot_step_minutes": draw(st.sampled_from([15, 30, 60])),
        "buffer_before_minutes": draw(st.sampled_from([0, 10])),
        "buffer_after_minutes": draw(st.sampled_from([0, 10, 15])),
        "min_notice_minutes": 0,
        "horizon_days": 400,
    }
    return zone, day, intervals, session_type, draw(st.randoms(use_true_random=False))


def principal_for(profile) -> Principal:
    return Principal(user=profile.user, session_id=uuid.uuid4())


@settings(
    max_examples=100,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(scenario=scenarios())
def test_listed_slots_are_exactly_the_bookable_ones(session_factory, security, scenario):
    # Each example builds its own clinic, therapist and clients, so examples cannot interfere;
    # everything is rolled back with the test's transaction.
    zone, day, intervals, type_fields, rng = scenario
    with session_factory() as session:
        therapist = make_therapist(
            session,
            security,
            make_clinic(session),
            timezone=zone,
            licenses=[("US-CA", TODAY + timedelta(days=800))],
        )
        for weekday, start, end in intervals:
            session.add(
                AvailabilityRule(
                    therapist_id=therapist.id,
                    timezone=zone,
                    weekday=weekday,
                    start_minute=start,
                    end_minute=end,
                )
            )
        session_type = make_session_type(session, therapist, **type_fields)
        window_start = datetime(day.year, day.month, day.day, tzinfo=ZoneInfo(zone))
        window_end = window_start + timedelta(days=2)

        def listed() -> list[datetime]:
            result = list_slots(
                session=session,
                therapist_id=therapist.id,
                session_type_id=session_type.id,
                start=window_start,
                end=window_end,
                now=utcnow(),
            )
            return [slot["start"] for slot in result.slots]

        # some existing bookings by others, placed through the booking path itself
        for _ in range(2):
            free = listed()
            if not free:
                break
            other = make_client(session, security)
            book(
                session=session,
                principal=principal_for(other),
                therapist_id=therapist.id,
                session_type_id=session_type.id,
                start=rng.choice(free),
            )

        slots = listed()
        assert slots == sorted(set(slots))
        client = make_client(session, security)
        for start in rng.sample(slots, min(3, len(slots))):
            appointment = book(
                session=session,
                principal=principal_for(client),
                therapist_id=therapist.id,
                session_type_id=session_type.id,
                start=start,
            )
            assert appointment.starts_at == start
            cancel(
                session=session,
                principal=principal_for(client),
                appointment_id=appointment.id,
                reason=None,
            )

        grid = [window_start.astimezone(UTC) + timedelta(minutes=15 * k) for k in range(2 * 24 * 4)]
        anywhere = [
            window_start.astimezone(UTC) + timedelta(seconds=rng.randrange(2 * 86400))
            for _ in range(20)
        ]
        # Only instants inside the listed window: two local days are 47 or 49 hours on a change.
        unlisted = [
            t for t in grid + anywhere if window_start <= t < window_end and t not in set(slots)
        ]
        for start in rng.sample(unlisted, min(6, len(unlisted))):
            with pytest.raises(DomainError):
                book(
                    session=session,
                    principal=principal_for(client),
                    therapist_id=therapist.id,
                    session_type_id=session_type.id,
                    start=start,
                )
        assert listed() == slots  # cancelled bookings freed their times again
