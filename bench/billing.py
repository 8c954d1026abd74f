"""Billing benchmark (run by hand: `python -m bench.billing`; never part of the test suite).

On PostgreSQL (--database-url, else BENCH_DATABASE_URL, else the default below; the database's
name must start with "bench": its schema is dropped and migrated), the real stripe library
talks to the local Stripe-compatible server of the tests. It prints
- webhook events processed per second by two outbox workers (each event re-reads its intent
  from Stripe, books the hold, enters the ledger and queues a receipt), and the webhook
  endpoint's own latency;
- the latency of booking without payment versus booking with payment (hold, start the
  intent, the frontend's card confirmation at Stripe, confirm), median and p95.
"""

from __future__ import annotations

import argparse
import os
import statistics
import tempfile
import threading
import time
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.engine import make_url

from app.factory import create_app, wire
from app.identity.models import Role
from app.identity.security import SECURITY
from app.outbox.handlers import OUTBOX_HANDLERS
from app.outbox.worker import Worker
from app.web.extensions import Database, app_adapters
from bench.common import fresh_postgres
from billing.payments.models import Payment, PaymentStatus
from billing.pricing.models import BillingPolicy, Collection, SessionFee
from scheduling.appointments.models import Appointment, AppointmentStatus
from scheduling.session_types.models import SchedulingPolicy
from tests.factories import auth_headers, make_client, make_clinic, make_therapist, make_user
from tests.scheduling_factories import future_hour, iso, make_session_type, open_hours
from tests.stripe_fake import StripeFake, event_payload, sign_payload

DEFAULT_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/bench_billing"
WEBHOOK_SECRET = "whsec_bench"  # noqa: S105 (the local server's, not a secret)


def app_config(url: str, fake: StripeFake) -> dict[str, Any]:
    """The app's settings: the bench database, fast hashing, Stripe at the local server."""
    return {
        "APP_ENV": "testing",
        "DATABASE_URL": url,
        "INSTANCE_PATH": tempfile.mkdtemp(),
        "SECRET_KEY": "bench-secret-key-that-is-long-enough-for-hs256",
        "RATELIMIT_ENABLED": False,
        "LOG_LEVEL": "WARNING",
        "PASSWORD_HASH_TIME_COST": 1,
        "PASSWORD_HASH_MEMORY_KIB": 1024,
        "PASSWORD_HASH_PARALLELISM": 1,
        "STRIPE_SECRET_KEY": fake.api_key,
        "STRIPE_PUBLISHABLE_KEY": "pk_bench",
        "STRIPE_WEBHOOK_SECRET": WEBHOOK_SECRET,
        "STRIPE_API_BASE": fake.url,
    }


def percentile95(timings: list[float]) -> float:
    """The 95th percentile (nearest rank)."""
    timings = sorted(timings)
    return timings[min(len(timings) - 1, round(0.95 * len(timings)) - 1)]


def figures(label: str, timings: list[float]) -> None:
    """Print median and p95 in milliseconds."""
    p95 = percentile95(timings)
    print(
        f"{label:<52} median {statistics.median(timings):8.2f} ms   p95 {p95:8.2f} ms"
        f"   (n={len(timings)})"
    )


class Bench:
    """An app on the bench database, a charging clinic and a clinic that collects nothing."""

    def __init__(self, url: str, fake: StripeFake) -> None:
        self.fake = fake
        self.app = create_app(app_config(url, fake))
        self.http = self.app.test_client()
        self.sessions = Database.state(self.app).sessionmaker
        security = app_adapters(self.app).get(SECURITY)
        self.session = self.sessions()
        self.practices = {}
        for collection in (Collection.NONE, Collection.AT_BOOKING):
            clinic = make_clinic(self.session)
            self.session.add(BillingPolicy(clinic_id=clinic.id, collection=collection))
            self.session.add(SchedulingPolicy(clinic_id=clinic.id, max_active_holds=5))
            therapists = []
            for _ in range(20):
                therapist = make_therapist(self.session, security, clinic)
                open_hours(self.session, therapist, start_hour=0, end_hour=24)
                session_type = make_session_type(self.session, therapist, min_notice_minutes=0)
                self.session.add(SessionFee(session_type_id=session_type.id, amount=15_000))
                therapists.append((therapist, session_type))
            make_user(self.session, security, Role.ADMIN, clinic=clinic)
            self.session.commit()
            self.practices[collection] = therapists
        self.security = security

    def client_headers(self) -> dict[str, str]:
        client = make_client(self.session, self.security)
        return auth_headers(self.http, client.user)

    def book(self, collection: Collection, n: int, headers: dict[str, str], hold: bool) -> Any:
        therapist, session_type = self.practices[collection][n % 20]
        start = future_hour(days=1 + n // 20 // 20, hour=(n // 20) % 20)
        response = self.http.post(
            "/api/v1/appointments",
            headers=headers,
            json={
                "therapist_id": str(therapist.id),
                "session_type_id": str(session_type.id),
                "start": iso(start),
                "hold": hold,
            },
        )
        if response.status_code != 201:
            raise RuntimeError(f"booking failed: {response.get_json()}")
        return response.get_json()

    def pay(self, appointment: dict[str, Any], headers: dict[str, str], confirm: bool) -> str:
        checkout = self.http.post(
            f"/api/v1/appointments/{appointment['id']}/payment", headers=headers
        ).get_json()
        intent_id = checkout["client_secret"].split("_secret_")[0]
        self.fake.succeed_payment_intent(intent_id)
        intent_id = str(intent_id)
        if confirm:
            confirmed = self.http.post(
                f"/api/v1/billing/payments/{checkout['payment']['id']}/confirm", headers=headers
            )
            if confirmed.status_code != 200:
                raise RuntimeError(f"confirm failed: {confirmed.get_json()}")
        return intent_id


def booking_latency(bench: Bench, bookings: int) -> None:
    plain, paid = [], []
    for n in range(bookings):
        headers = bench.client_headers()
        started = time.perf_counter()
        bench.book(Collection.NONE, n, headers, hold=False)
        plain.append((time.perf_counter() - started) * 1000)
        headers = bench.client_headers()
        started = time.perf_counter()
        bench.pay(bench.book(Collection.AT_BOOKING, n, headers, hold=True), headers, confirm=True)
        paid.append((time.perf_counter() - started) * 1000)
    figures("booking without payment (POST /appointments)", plain)
    figures("booking with payment (hold, intent, card, confirm)", paid)
    print(
        f"{'added latency of paying (paid - plain)':<52} median "
        f"{statistics.median(paid) - statistics.median(plain):8.2f} ms   p95 "
        f"{percentile95(paid) - percentile95(plain):8.2f} ms"
    )


def webhook_throughput(bench: Bench, events: int, offset: int) -> None:
    intents, appointments = [], []
    for n in range(events):
        headers = bench.client_headers()
        appointment = bench.book(Collection.AT_BOOKING, offset + n, headers, True)
        appointments.append(appointment["id"])
        intents.append(bench.pay(appointment, headers, confirm=False))
    wanted = set(intents)
    succeeded = [
        e
        for e in bench.fake.events
        if e["type"] == "payment_intent.succeeded" and e["data"]["object"]["id"] in wanted
    ]
    posts = []
    for event in succeeded:
        payload = event_payload(event)
        header = sign_payload(payload, WEBHOOK_SECRET, int(time.time()))
        started = time.perf_counter()
        response = bench.http.post(
            "/api/v1/billing/stripe/webhook",
            data=payload,
            headers={"Stripe-Signature": header, "Content-Type": "application/json"},
        )
        posts.append((time.perf_counter() - started) * 1000)
        if response.status_code >= 300:
            raise RuntimeError(f"webhook refused: {response.status_code} {response.get_data()!r}")
    figures("webhook endpoint (verify, record, queue)", posts)
    handlers = wire(bench.app.config).get(OUTBOX_HANDLERS)
    captured_query = (
        select(func.count())
        .select_from(Payment)
        .where(Payment.intent_id.in_(wanted), Payment.status == PaymentStatus.CAPTURED)
    )
    booked_query = (
        select(func.count())
        .select_from(Appointment)
        .where(Appointment.id.in_(appointments), Appointment.status == AppointmentStatus.BOOKED)
    )

    def progress() -> tuple[int, int]:
        with bench.sessions() as session:
            return session.scalar(captured_query) or 0, session.scalar(booked_query) or 0

    stop = threading.Event()
    threads = [
        threading.Thread(
            target=Worker(bench.sessions, handlers).run_forever, args=(0.01, stop.is_set)
        )
        for _ in range(2)
    ]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    captured, booked = progress()
    while (captured, booked) != (events, events) and time.perf_counter() - started < 600:
        time.sleep(0.01)
        captured, booked = progress()
    elapsed = time.perf_counter() - started
    stop.set()
    for thread in threads:
        thread.join()
    if (captured, booked) != (events, events):
        raise RuntimeError(f"after {elapsed:.0f} s: {captured} captured, {booked} booked")
    print(
        f"{'webhook events processed by two workers':<52} {len(succeeded) / elapsed:8.1f} "
        f"events/s   ({len(succeeded)} events in {elapsed:.2f} s until {captured} payments "
        f"captured and {booked} appointments booked)"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--events", type=int, default=400)
    parser.add_argument("--bookings", type=int, default=200)
    parser.add_argument("--database-url", default=None)
    args = parser.parse_args()
    url = args.database_url or os.environ.get("BENCH_DATABASE_URL") or DEFAULT_URL
    fresh_postgres(url)

    with StripeFake() as fake:
        bench = Bench(url, fake)
        print(
            f"setup: PostgreSQL {make_url(url).database}, 2 clinics x 20 therapists, one "
            f"client per booking, Stripe = local server over HTTP, {os.cpu_count()} CPU cores"
        )
        booking_latency(bench, args.bookings)
        webhook_throughput(bench, args.events, offset=args.bookings)


if __name__ == "__main__":
    main()
