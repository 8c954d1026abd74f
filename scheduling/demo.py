"""Demo schedules: session types and weekly hours for the demo directory (flask seed-demo)."""

from __future__ import annotations

import random

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.directory.models import Clinic, TherapistProfile
from scheduling.availability.models import AvailabilityRule
from scheduling.session_types.models import SessionType

# (weekday sets, daily intervals in hours) a therapist may keep
WEEK_SHAPES = (
    ((0, 1, 2, 3), ((9, 12), (13, 17))),
    ((0, 2, 4), ((12, 20),)),
    ((1, 3, 5), ((8, 14),)),
    ((0, 1, 2, 3, 4), ((16, 21),)),
    ((2, 3, 4, 5), ((10, 13), (14, 18))),
)


def add_demo_schedules(*, session: Session, seed: int = 2026) -> int:
    """Give every clinic a default session type and every therapist weekly hours (no commit)."""
    rng = random.Random(seed)  # noqa: S311 (demo data, not security)
    for clinic in session.scalars(select(Clinic)):
        session.add(
            SessionType(
                clinic_id=clinic.id,
                therapist_id=None,
                name="Video session",
                duration_minutes=50,
                buffer_after_minutes=10,
                min_notice_minutes=12 * 60,
                horizon_days=60,
                slot_step_minutes=60,
                format="video",
            )
        )
        session.add(
            SessionType(
                clinic_id=clinic.id,
                therapist_id=None,
                name="First consultation",
                duration_minutes=20,
                buffer_after_minutes=10,
                min_notice_minutes=4 * 60,
                horizon_days=30,
                slot_step_minutes=30,
                format="video",
            )
        )
    therapists = list(session.scalars(select(TherapistProfile)))
    for therapist in therapists:
        weekdays, intervals = rng.choice(WEEK_SHAPES)
        for weekday in weekdays:
            for start, end in intervals:
                session.add(
                    AvailabilityRule(
                        therapist_id=therapist.id,
                        timezone=therapist.timezone,
                        weekday=weekday,
                        start_minute=start * 60,
                        end_minute=end * 60,
                    )
                )
    return len(therapists)
