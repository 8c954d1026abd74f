"""Demo schedules: session types, weekly hours and support groups (flask seed-demo)."""

from __future__ import annotations

import random
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.clock import utcnow
from app.directory.models import Clinic, TherapistProfile
from scheduling.appointments.series import occurrence_starts
from scheduling.availability.models import AvailabilityRule
from scheduling.session_types.models import SessionType
from scheduling.support_groups.hosting import schedule_group
from scheduling.support_groups.models import GroupKind

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


# clinic slug: (kind, topic, title, description)
DEMO_GROUPS = {
    "sierra-vista-wellness": (
        "peer",
        "anxiety",
        "Calmer evenings",
        "A weekly peer circle about worry.",
    ),
    "harbor-light-counseling": (
        "therapy",
        "depression",
        "Finding footing",
        "A therapist-led group.",
    ),
}
DEMO_GUIDELINES = (
    "Use your alias. What members share stays in the group. Be kind, listen, take turns. "
    "This group is not for emergencies: in a crisis call your local emergency number."
)


def add_demo_groups(*, session: Session, weeks: int = 8) -> int:
    """One support group per clinic, hosted by its first therapist at their first weekly hour."""
    session.flush()
    today = utcnow().date()
    clinics = list(session.scalars(select(Clinic).where(Clinic.slug.in_(DEMO_GROUPS))))
    for clinic in clinics:
        kind, topic, title, description = DEMO_GROUPS[clinic.slug]
        host = session.scalars(
            select(TherapistProfile)
            .where(TherapistProfile.clinic_id == clinic.id)
            .order_by(TherapistProfile.display_name)
        ).first()
        hours = (
            None
            if host is None
            else session.scalars(
                select(AvailabilityRule)
                .where(AvailabilityRule.therapist_id == host.id)
                .order_by(AvailabilityRule.weekday, AvailabilityRule.start_minute)
            ).first()
        )
        if host is None or hours is None:
            continue
        group_type = SessionType(
            clinic_id=clinic.id,
            therapist_id=host.id,
            name="Group",
            duration_minutes=60,
            min_notice_minutes=0,
            horizon_days=120,
            slot_step_minutes=60,
            format="video",
            is_group=True,
            capacity=8,
        )
        session.add(group_type)
        session.flush()
        day = today + timedelta(days=2)
        day += timedelta(days=(hours.weekday - day.weekday()) % 7)
        local = datetime.combine(day, time(hours.start_minute // 60, hours.start_minute % 60))
        first = local.replace(tzinfo=ZoneInfo(hours.timezone))
        schedule_group(
            session=session,
            host=host,
            session_type=group_type,
            starts=occurrence_starts(first, host.timezone, interval_weeks=1, count=weeks),
            interval_weeks=1,
            capacity=None,
            actor_id=host.user_id,
            now=utcnow(),
            kind=GroupKind(kind),
            title=title,
            description=description,
            topic=topic,
            language="en",
            age_group="adults",
            guidelines=DEMO_GUIDELINES,
        )
    return len(clinics)
