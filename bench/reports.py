"""Clinic report benchmark (run by hand: `python -m bench.reports`; never part of the tests).

Setup printed with the figures: on PostgreSQL (BENCH_DATABASE_URL, default
postgresql://postgres@127.0.0.1/bench_reports, whose schema is dropped and migrated), one clinic
with 500 therapists (weekly hours in four zones), 4,000 clients, a year of one-to-one
appointments (about ten a therapist a week, mixed outcomes), a ledger entry per held session,
and 8,000 intakes with match exposures. Each report runs for 52 weeks clinic-wide.
"""

from __future__ import annotations

import argparse
import os
import random
import uuid
from datetime import UTC, date, datetime, timedelta
from functools import partial
from typing import Any

from sqlalchemy import insert, select, text
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session

from app.db.engine import make_engine
from app.directory.models import ClientProfile, Clinic, TherapistProfile
from app.identity.models import Role, User
from app.reporting.periods import periods
from app.reporting.tables import ReportQuery
from bench.common import fresh_postgres, measure
from billing.ledger.models import EntryKind, LedgerEntry
from matching.intake.models import Intake
from matching.matches.models import MatchExposure
from scheduling.appointments.models import Appointment, AppointmentKind, AppointmentStatus
from scheduling.availability.models import AvailabilityRule
from scheduling.session_types.models import SessionType

DEFAULT_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/bench_reports"
ZONES = ("America/New_York", "America/Los_Angeles", "Europe/London", "Asia/Kolkata")
THERAPISTS, CLIENTS, INTAKES, PER_WEEK = 500, 4_000, 8_000, 10
START = date(2025, 11, 3)  # a Monday
OUTCOMES = [AppointmentStatus.FULFILLED] * 7 + [
    AppointmentStatus.NOSHOW,
    AppointmentStatus.CANCELLED,
]


def bulk(session: Session, model: Any, rows: list[dict[str, Any]]) -> None:
    for offset in range(0, len(rows), 5_000):
        session.execute(insert(model), rows[offset : offset + 5_000])


def seed(session: Session, rng: random.Random) -> uuid.UUID:
    now = datetime.now(UTC)
    clinic_id = uuid.uuid4()
    bulk(
        session,
        Clinic,
        [
            {
                "id": clinic_id,
                "name": "Bench",
                "slug": "bench",
                "timezone": "America/New_York",
                "created_at": now,
                "updated_at": now,
            }
        ],
    )
    users, therapists, rules, types = [], [], [], []
    for n in range(THERAPISTS):
        user_id, therapist_id, zone = uuid.uuid4(), uuid.uuid4(), ZONES[n % len(ZONES)]
        users.append(
            {
                "id": user_id,
                "email": f"t{n}@bench.example",
                "role": Role.THERAPIST,
                "clinic_id": clinic_id,
                "created_at": now,
                "updated_at": now,
            }
        )
        therapists.append(
            {
                "id": therapist_id,
                "user_id": user_id,
                "clinic_id": clinic_id,
                "display_name": f"Therapist {n:03d}",
                "timezone": zone,
                "created_at": now,
                "updated_at": now,
            }
        )
        rules += [
            {
                "id": uuid.uuid4(),
                "therapist_id": therapist_id,
                "timezone": zone,
                "weekday": day,
                "start_minute": 9 * 60,
                "end_minute": 17 * 60,
            }
            for day in range(5)
        ]
        types.append(
            {
                "id": uuid.uuid4(),
                "clinic_id": clinic_id,
                "therapist_id": therapist_id,
                "name": "Session",
                "created_at": now,
                "updated_at": now,
            }
        )
    clients = []
    for n in range(CLIENTS):
        user_id = uuid.uuid4()
        users.append(
            {
                "id": user_id,
                "email": f"c{n}@bench.example",
                "role": Role.CLIENT,
                "created_at": now,
                "updated_at": now,
            }
        )
        clients.append(
            {
                "id": uuid.uuid4(),
                "user_id": user_id,
                "display_name": f"C{n}",
                "jurisdiction": "US-CA",
                "timezone": "America/Los_Angeles",
                "created_at": now,
                "updated_at": now,
            }
        )
    bulk(session, User, users)
    bulk(session, TherapistProfile, therapists)
    bulk(session, AvailabilityRule, rules)
    bulk(session, SessionType, types)
    bulk(session, ClientProfile, clients)
    appointments, entries = [], []
    for index, (therapist, session_type) in enumerate(zip(therapists, types, strict=True)):
        for week in range(52):
            for slot in range(PER_WEEK):
                start = datetime.combine(
                    START + timedelta(weeks=week, days=slot % 5), datetime.min.time(), UTC
                ) + timedelta(hours=14 + slot // 5)
                status = rng.choice(OUTCOMES)
                client = clients[(index * 8 + slot + week) % CLIENTS]  # never two at one time
                appointment_id = uuid.uuid4()
                appointments.append(
                    {
                        "id": appointment_id,
                        "clinic_id": clinic_id,
                        "therapist_id": therapist["id"],
                        "client_id": client["id"],
                        "session_type_id": session_type["id"],
                        "kind": AppointmentKind.INDIVIDUAL,
                        "capacity": 1,
                        "status": status,
                        "starts_at": start,
                        "ends_at": start + timedelta(minutes=50),
                        "block_starts_at": start,
                        "block_ends_at": start + timedelta(minutes=60),
                        "created_by_id": client["user_id"],
                        "status_changed_at": start,
                        "cancelled_by_role": "client"
                        if status is AppointmentStatus.CANCELLED
                        else None,
                        "late_cancellation": rng.random() < 0.3
                        and status is AppointmentStatus.CANCELLED,
                        "created_at": start - timedelta(days=rng.randint(1, 20)),
                        "updated_at": start,
                    }
                )
                if status is AppointmentStatus.FULFILLED:
                    for kind, amount in ((EntryKind.CHARGE, 15_000), (EntryKind.PAYMENT, -15_000)):
                        entries.append(
                            {
                                "id": uuid.uuid4(),
                                "clinic_id": clinic_id,
                                "client_id": client["id"],
                                "therapist_id": therapist["id"],
                                "appointment_id": appointment_id,
                                "kind": kind,
                                "amount": amount,
                                "currency": "USD",
                                "at": start,
                                "posting_key": uuid.uuid4().hex,
                                "memo": "Appointment",
                            }
                        )
    bulk(session, Appointment, appointments)
    bulk(session, LedgerEntry, entries)
    intakes, exposures = [], []
    for n in range(INTAKES):
        at = datetime.combine(START + timedelta(days=rng.randint(0, 360)), datetime.min.time(), UTC)
        intake_id = uuid.uuid4()
        intakes.append(
            {
                "id": intake_id,
                "client_id": clients[n % CLIENTS]["id"],
                "created_at": at,
                "jurisdiction": "US-CA",
                "timezone": "UTC",
                "concerns": [],
                "phq9_answers": [0] * 9,
                "gad7_answers": [0] * 7,
                "phq9_score": 0,
                "gad7_score": 0,
                "phq9_band": "minimal",
                "gad7_band": "minimal",
                "high_risk": n % 50 == 0,
                "preferences": {},
                "payment": {},
                "preferred_times": [],
            }
        )
        exposures += [
            {
                "id": uuid.uuid4(),
                "intake_id": intake_id,
                "therapist_id": t["id"],
                "rank": rank,
                "features": {},
                "model_version": "bench",
                "shown_at": at,
            }
            for rank, t in enumerate(rng.sample(therapists, 5), start=1)
        ]
    bulk(session, Intake, intakes)
    bulk(session, MatchExposure, exposures)
    session.commit()
    print(
        f"seeded {len(appointments):,} appointments, {len(entries):,} ledger entries, "
        f"{len(intakes):,} intakes, {len(exposures):,} exposures"
    )
    return clinic_id


def main() -> None:
    from app.insights.catalog import REPORTS

    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--reuse", action="store_true", help="measure the data seeded last time")
    url = os.environ.get("BENCH_DATABASE_URL", DEFAULT_URL)
    engine = make_engine(url)
    if parser.parse_args().reuse:
        with Session(engine) as session:
            clinic_id = session.scalars(select(Clinic.id)).one()
    else:
        fresh_postgres(url)
        with Session(engine) as session:
            clinic_id = seed(session, random.Random(2026))
    # What autovacuum would have done by now on a live database (visibility map, statistics).
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.execute(text("VACUUM ANALYZE"))
    with Session(engine) as session:
        end = START + timedelta(weeks=52)
        query = ReportQuery(
            clinic_id,
            "America/New_York",
            START,
            end,
            "week",
            periods(START, end, "week", "America/New_York"),
        )
        print(
            f"setup: PostgreSQL {make_url(url).database}, {THERAPISTS} therapists, 52 weeks, "
            "clinic-wide, 2 CPU cores"
        )
        for name, report in REPORTS.items():
            measure(f"{name} report (52 weeks)", 5, partial(report, query, session=session))


if __name__ == "__main__":
    main()
