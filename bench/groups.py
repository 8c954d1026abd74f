"""Support group discovery benchmark (run by hand: `python -m bench.groups`; never a test).

Setup printed with the figures: 2 clinics, 100 hosts each, 2 weekly groups per host (400 groups,
12 meetings each, 4,800 meetings), topics and languages spread over the vocabularies, about a
third of the groups full. Measures GET /api/v1/groups through the app (a page of 20, true totals)
with no filter, a topic, a weekday and time window read in a zone, and a jurisdiction with free
seats. Set BENCH_DATABASE_URL=postgresql://... to measure on PostgreSQL instead of SQLite.
"""

from __future__ import annotations

import random
import uuid
from datetime import UTC, date, datetime, timedelta
from functools import partial

from flask.testing import FlaskClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.clock import utcnow
from app.directory.models import ClientProfile, Clinic
from app.factory import create_app
from app.identity.security import Security
from bench.common import fresh_database, measure
from scheduling.appointments.models import Appointment, EnrollmentStatus, GroupEnrollment
from scheduling.appointments.series import occurrence_starts
from scheduling.session_types.models import SessionType
from scheduling.support_groups.hosting import schedule_group
from scheduling.support_groups.models import GroupKind
from tests.factories import make_client, make_clinic, make_therapist

TOPICS = ("anxiety", "depression", "grief", "stress", "trauma", "relationships")
LANGUAGES = ("en", "en", "en", "es", "fr")
QUERIES: tuple[tuple[str, dict[str, str]], ...] = (
    ("GET /groups (first page of all)", {}),
    ("GET /groups?topic=anxiety", {"topic": "anxiety"}),
    (
        "GET /groups?weekday=wednesday&09:00-12:00&tz=New_York",
        {
            "weekday": "wednesday",
            "starts_from": "09:00",
            "starts_until": "12:00",
            "tz": "America/New_York",
        },
    ),
    (
        "GET /groups?jurisdiction=US-CA&seats_free=true",
        {"jurisdiction": "US-CA", "seats_free": "true"},
    ),
)


def _host_groups(
    session: Session,
    security: Security,
    clinic: Clinic,
    place: str,
    number: int,
    rng: random.Random,
    members: list[ClientProfile],
) -> None:
    today = utcnow().date()
    host = make_therapist(session, security, clinic, licenses=[(place, today + timedelta(900))])
    kind = SessionType(
        clinic_id=clinic.id,
        therapist_id=host.id,
        name="Group",
        duration_minutes=60,
        is_group=True,
        capacity=8,
        horizon_days=120,
    )
    session.add(kind)
    session.flush()
    for slot in range(2):
        day = today + timedelta(days=1 + (number + slot) % 7)
        first = datetime(day.year, day.month, day.day, 12 + 2 * slot + number % 8, tzinfo=UTC)
        group = schedule_group(
            session=session,
            host=host,
            session_type=kind,
            starts=occurrence_starts(first, host.timezone, interval_weeks=1, count=12),
            interval_weeks=1,
            capacity=None,
            actor_id=host.user_id,
            now=utcnow(),
            kind=rng.choice(list(GroupKind)),
            title=f"Group {number}-{slot}",
            topic=rng.choice(TOPICS),
            language=rng.choice(LANGUAGES),
            age_group="adults",
            guidelines="Be kind.",
        )
        session.flush()
        if rng.random() < 0.33:
            _fill(session, group.id, members)


def _fill(session: Session, group_id: uuid.UUID, members: list[ClientProfile]) -> None:
    now = utcnow()
    meetings = select(Appointment).where(Appointment.support_group_id == group_id)
    for meeting in session.scalars(meetings):
        for member in members[:8]:
            session.add(
                GroupEnrollment(
                    appointment_id=meeting.id,
                    client_id=member.id,
                    queued_at=now,
                    status=EnrollmentStatus.ENROLLED,
                    seated_at=now,
                )
            )


def _get(http: FlaskClient, query: dict[str, str]) -> None:
    response = http.get("/api/v1/groups", query_string=query)
    if response.status_code != 200:
        raise SystemExit(f"GET /groups failed: {response.get_json()}")


def main() -> None:
    """Build the directory of groups and print discovery timings."""
    rng = random.Random(2026)
    url, session, security = fresh_database()
    members = [make_client(session, security) for _ in range(8)]
    for place in ("US-CA", "US-NY"):
        clinic = make_clinic(session, tz="America/New_York")
        for number in range(100):
            _host_groups(session, security, clinic, place, number, rng, members)
        session.commit()
    app = create_app({"DATABASE_URL": url, "SECRET_KEY": "bench-secret-" * 4})
    http = app.test_client()
    print(f"setup: {date.today()}, {url.split(':')[0]}, 2 clinics x 100 hosts x 2 weekly groups")
    print("       (400 groups, 4,800 meetings, a third of the groups full), pages of 20")
    for label, query in QUERIES:
        measure(label, 30, partial(_get, http, query))


if __name__ == "__main__":
    main()
