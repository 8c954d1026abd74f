"""Revenue, access times and the care funnel against figures computed by hand.

The same tests run on SQLite and PostgreSQL (TEST_DATABASE_URL): percentiles come from
`percentile_cont` on PostgreSQL and from interpolation over SQL-reduced rows on SQLite, and
both must give these numbers.
"""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime, timedelta

import pytest

from app.outbox.models import OutboxMessage, OutboxStatus
from app.reporting.periods import periods
from app.reporting.tables import SUPPRESSED, ReportQuery, hide_small_counts
from billing.ledger.models import EntryKind, LedgerEntry
from billing.ledger.reports import revenue
from billing.payments.models import Payment, PaymentStatus, Purpose
from billing.pricing.models import BillingPolicy
from matching.intake.alerts import CRISIS_INTAKE
from matching.reports.access import access_times
from matching.reports.funnel import funnel
from matching.reports.percentiles import interpolate
from scheduling.appointments.models import AppointmentStatus
from tests.factories import make_client, make_clinic, make_therapist
from tests.report_helpers import shown_intake
from tests.scheduling_factories import make_session_type, past_appointment

START, END = date(2026, 1, 5), date(2026, 2, 2)  # four New York weeks, Mondays
BASE = datetime(2026, 1, 6, 15, tzinfo=UTC)
FULFILLED, CANCELLED = AppointmentStatus.FULFILLED, AppointmentStatus.CANCELLED


def window(clinic, start=START, end=END, therapist=None) -> ReportQuery:
    return ReportQuery(
        clinic.id,
        clinic.timezone,
        start,
        end,
        "week",
        periods(start, end, "week", clinic.timezone),
        therapist.id if therapist else None,
    )


def test_interpolation_matches_percentile_cont():
    waits = [10.0, 1.0, 3.0, 2.0, 4.0]
    assert interpolate(waits, 0.5) == 3.0
    assert interpolate(waits, 0.9) == pytest.approx(7.6)  # 4 + 0.6 * (10 - 4)
    assert interpolate([5.0], 0.9) == 5.0
    assert interpolate([], 0.5) is None


# --- revenue ---------------------------------------------------------------------------------


def ledger(session, clinic, client, therapist, kind, amount, at, payment=None, currency="NZD"):
    session.add(
        LedgerEntry(
            clinic_id=clinic.id,
            client_id=client.id,
            therapist_id=therapist.id if therapist else None,
            payment_id=payment.id if payment else None,
            kind=kind,
            amount=amount,
            currency=currency,
            at=at,
            posting_key=uuid.uuid4().hex,
            memo="Appointment",
        )
    )


def utc(*parts: int) -> datetime:
    return datetime(*parts, tzinfo=UTC)


@pytest.fixture
def auckland(session, security):
    """Two Auckland weeks (NZDT, UTC+13): Mon 23 Feb starts 22 Feb 11:00 UTC, Mon 2 Mar 1 Mar."""
    clinic = make_clinic(session, tz="Pacific/Auckland")
    session.add(BillingPolicy(clinic_id=clinic.id, currency="NZD"))
    ana = make_therapist(session, security, clinic, display_name="Ana")
    ben = make_therapist(session, security, clinic, display_name="Ben")
    kea, tui = make_client(session, security), make_client(session, security)
    # Before the window: Ana's client owes 50.00 of a 150.00 session.
    ledger(session, clinic, kea, ana, EntryKind.CHARGE, 15_000, utc(2026, 1, 20))
    ledger(session, clinic, kea, ana, EntryKind.PAYMENT, -10_000, utc(2026, 1, 20))
    # Week 1.
    ledger(session, clinic, tui, ben, EntryKind.FEE, 4_000, utc(2026, 2, 24, 10))
    paid = Payment(
        clinic_id=clinic.id,
        client_id=kea.id,
        purpose=Purpose.SESSION,
        amount=12_000,
        currency="NZD",
        status=PaymentStatus.CAPTURED,
        amount_captured=12_000,
    )
    session.add(paid)
    session.flush()
    ledger(session, clinic, kea, ana, EntryKind.CHARGE, 12_000, utc(2026, 2, 25), paid)
    ledger(session, clinic, kea, ana, EntryKind.PAYMENT, -12_000, utc(2026, 2, 25), paid)
    # Sunday 1 March 10:30 UTC is Sunday 23:30 in Auckland: still week 1.
    ledger(session, clinic, tui, ben, EntryKind.PAYMENT, -1_500, utc(2026, 3, 1, 10, 30))
    # Sunday 1 March 20:00 UTC (a UTC evening) is Monday 2 March 09:00 in Auckland: week 2.
    ledger(session, clinic, kea, ana, EntryKind.PAYMENT, -5_000, utc(2026, 3, 1, 20))
    # Week 2: a refund (entered with its adjustment) and a fee tied to no therapist.
    ledger(session, clinic, tui, ben, EntryKind.REFUND, 1_000, utc(2026, 3, 3))
    ledger(session, clinic, tui, ben, EntryKind.ADJUSTMENT, -1_000, utc(2026, 3, 3))
    ledger(session, clinic, tui, None, EntryKind.FEE, 2_500, utc(2026, 3, 4))
    # After the window: never counted.
    ledger(session, clinic, tui, ben, EntryKind.PAYMENT, -700, utc(2026, 3, 8, 12))
    # Another clinic's money, in the same weeks and with the same client.
    other = make_clinic(session, tz="Pacific/Auckland")
    stranger = make_therapist(session, security, other, display_name="Ana")
    ledger(session, other, kea, stranger, EntryKind.PAYMENT, -99_999, utc(2026, 3, 3))
    ledger(session, other, kea, stranger, EntryKind.FEE, 7_777, utc(2026, 2, 24))
    session.commit()
    return clinic, ana, ben


def money(row):
    keys = ("captured", "refunded", "fees", "net", "open_balances")
    return tuple(row[key] for key in keys)


def test_revenue_by_auckland_week(session, auckland):
    clinic, _, _ = auckland
    table = revenue(window(clinic, date(2026, 2, 23), date(2026, 3, 9)), session=session)

    assert table.currency == "NZD"
    assert len(table.notes) == 1  # no entries in another currency to leave out
    assert [c.name for c in table.columns] == [
        "period",
        "therapist_id",
        "therapist_name",
        "captured",
        "refunded",
        "fees",
        "net",
        "open_balances",
    ]
    rows = {(r["period"], r["therapist_name"]): r for r in table.rows}
    assert list(rows) == [
        ("2026-02-23", "Ana"),
        ("2026-02-23", "Ben"),
        ("2026-02-23", "All therapists"),
        ("2026-03-02", "Ana"),
        ("2026-03-02", "Ben"),
        ("2026-03-02", "All therapists"),
    ]
    # (captured, refunded, fees, net, owed at the week's end)
    assert money(rows[("2026-02-23", "Ana")]) == (12_000, 0, 0, 12_000, 5_000)
    assert money(rows[("2026-02-23", "Ben")]) == (1_500, 0, 4_000, 1_500, 2_500)
    assert money(rows[("2026-02-23", "All therapists")]) == (13_500, 0, 4_000, 13_500, 7_500)
    assert money(rows[("2026-03-02", "Ana")]) == (5_000, 0, 0, 5_000, 0)
    assert money(rows[("2026-03-02", "Ben")]) == (0, 1_000, 0, -1_000, 2_500)
    # The clinic row also holds the fee tied to no therapist.
    assert money(rows[("2026-03-02", "All therapists")]) == (5_000, 1_000, 2_500, 4_000, 5_000)
    assert rows[("2026-03-02", "All therapists")]["therapist_id"] is None
    assert rows[("2026-03-02", "Ana")]["therapist_id"] == str(auckland[1].id)


def test_revenue_for_one_therapist(session, auckland):
    clinic, _, ben = auckland
    table = revenue(
        window(clinic, date(2026, 2, 23), date(2026, 3, 9), therapist=ben), session=session
    )
    assert [(r["period"], r["therapist_name"]) for r in table.rows] == [
        ("2026-02-23", "Ben"),
        ("2026-03-02", "Ben"),
    ]
    assert [money(r) for r in table.rows] == [
        (1_500, 0, 4_000, 1_500, 2_500),
        (0, 1_000, 0, -1_000, 2_500),
    ]


def test_revenue_by_month_defaults_to_usd(session, security):
    clinic = make_clinic(session)  # no billing policy: the default currency
    therapist = make_therapist(session, security, clinic, display_name="Cy")
    client = make_client(session, security)
    ledger(
        session, clinic, client, therapist, EntryKind.CHARGE, 9_000, utc(2026, 1, 10), None, "USD"
    )
    # Entered in another currency (before a change of policy): never added to dollars.
    ledger(session, clinic, client, therapist, EntryKind.PAYMENT, -4_000, utc(2026, 1, 12))
    ledger(session, clinic, client, therapist, EntryKind.CHARGE, 4_000, utc(2025, 12, 1))
    session.commit()
    table = revenue(
        ReportQuery(
            clinic.id,
            clinic.timezone,
            date(2026, 1, 1),
            date(2026, 3, 1),
            "month",
            periods(date(2026, 1, 1), date(2026, 3, 1), "month", clinic.timezone),
        ),
        session=session,
    )
    assert table.currency == "USD"
    assert "Entries in other currencies (NZD) are left out" in table.notes[-1]
    assert {r["captured"] for r in table.rows} == {0}
    owed = {(r["period"], r["therapist_name"]): r["open_balances"] for r in table.rows}
    assert owed == {
        ("2026-01-01", "Cy"): 9_000,
        ("2026-01-01", "All therapists"): 9_000,
        ("2026-02-01", "Cy"): 9_000,
        ("2026-02-01", "All therapists"): 9_000,
    }


# --- access times ----------------------------------------------------------------------------


def book(session, therapist, client, *, created, starts, status=FULFILLED):
    return past_appointment(
        session,
        therapist,
        client,
        make_session_type(session, therapist),
        starts_at=starts,
        status=status,
        created_at=created,
    )


@pytest.fixture
def new_clients(session, security):
    clinic = make_clinic(session)
    wren = make_therapist(session, security, clinic, display_name="Wren")
    yara = make_therapist(session, security, clinic, display_name="Yara")
    # Waits to the first booking of 1, 2, 3 (Wren) and 4, 10 days (Yara).
    clients = []
    for days, therapist in ((1, wren), (2, wren), (3, wren), (4, yara), (10, yara)):
        client = make_client(session, security)
        clients.append(client)
        shown_intake(session, client, BASE - timedelta(days=30))  # older: not the latest
        shown_intake(session, client, BASE)
        booked = BASE + timedelta(days=days)
        shown_intake(session, client, booked + timedelta(hours=1))  # after the booking
        first = FULFILLED if days != 10 else CANCELLED
        book(
            session,
            therapist,
            client,
            created=booked,
            starts=booked + timedelta(days=1),
            status=first,
        )
    # The 10-day client's first booking was cancelled: a second one is held 15 days after the
    # intake.
    book(
        session,
        yara,
        clients[4],
        created=BASE + timedelta(days=12),
        starts=BASE + timedelta(days=15),
    )
    # The 4-day client later books Wren too: still Yara's new client, not Wren's.
    book(
        session,
        wren,
        clients[3],
        created=BASE + timedelta(days=7),
        starts=BASE + timedelta(days=9),
        status=CANCELLED,
    )
    # A new client of Wren's without any intake: counted, but has no wait.
    book(session, wren, make_client(session, security), created=BASE, starts=BASE)
    # An existing client (first booked in December) booking again: not new.
    old = make_client(session, security)
    shown_intake(session, old, BASE - timedelta(days=60))
    book(session, wren, old, created=BASE - timedelta(days=40), starts=BASE - timedelta(days=39))
    book(
        session,
        wren,
        old,
        created=BASE + timedelta(days=2),
        starts=BASE + timedelta(days=3, hours=2),
    )
    # First booked after the window, and at another clinic: not counted.
    late = make_client(session, security)
    shown_intake(session, late, BASE)
    book(session, wren, late, created=BASE + timedelta(days=40), starts=BASE + timedelta(days=41))
    elsewhere = make_therapist(session, security, make_clinic(session), display_name="Wren")
    stranger = make_client(session, security)
    shown_intake(session, stranger, BASE)
    book(session, elsewhere, stranger, created=BASE + timedelta(days=20), starts=BASE)
    return clinic, wren, yara


def waits(row):
    keys = (
        "new_clients",
        "days_to_first_booking_median",
        "days_to_first_booking_p90",
        "days_to_first_attended_median",
        "days_to_first_attended_p90",
    )
    return tuple(row[key] for key in keys)


def test_access_median_and_p90(session, new_clients):
    clinic, _, yara = new_clients
    table = access_times(window(clinic), session=session)
    rows = {r["therapist_name"]: r for r in table.rows}
    assert [r["therapist_name"] for r in table.rows] == ["Wren", "Yara", "All therapists"]
    # First held sessions: 2, 3, 4 (Wren), 5 and 15 days (Yara) after the intakes.
    assert waits(rows["Wren"]) == (4, 2.0, 2.8, 3.0, 3.8)
    assert waits(rows["Yara"]) == (2, 7.0, 9.4, 10.0, 14.0)
    # Waits 1, 2, 3, 4, 10: median 3, p90 4 + 0.6 * 6 = 7.6; held 2, 3, 4, 5, 15 -> 4, 11.
    assert waits(rows["All therapists"]) == (6, 3.0, 7.6, 4.0, 11.0)
    assert rows["All therapists"]["therapist_id"] is None
    assert rows["Yara"]["therapist_id"] == str(yara.id)


def test_access_for_one_therapist(session, new_clients):
    clinic, _, yara = new_clients
    table = access_times(window(clinic, therapist=yara), session=session)
    assert [waits(r) for r in table.rows] == [(2, 7.0, 9.4, 10.0, 14.0)]


def test_access_without_new_clients(session, security):
    clinic = make_clinic(session)
    table = access_times(window(clinic), session=session)
    assert table.rows == [
        {
            "therapist_id": None,
            "therapist_name": "All therapists",
            "new_clients": 0,
            "days_to_first_booking_median": None,
            "days_to_first_booking_p90": None,
            "days_to_first_attended_median": None,
            "days_to_first_attended_p90": None,
        }
    ]


# --- funnel ----------------------------------------------------------------------------------


def alert(session, intake, *, minutes=None):
    session.add(
        OutboxMessage(
            topic=CRISIS_INTAKE,
            payload={"intake_id": str(intake.id), "clinic_ids": []},
            dedupe_key=f"crisis-intake:{intake.id}",
            status=OutboxStatus.SENT if minutes is not None else OutboxStatus.PENDING,
            created_at=intake.created_at,
            available_at=intake.created_at,
            sent_at=intake.created_at + timedelta(minutes=minutes) if minutes is not None else None,
        )
    )
    session.commit()


@pytest.fixture
def care_funnel(session, security):
    clinic = make_clinic(session)
    ash = make_therapist(session, security, clinic, display_name="Ash")
    bo = make_therapist(session, security, clinic, display_name="Bo")
    elsewhere = make_therapist(session, security, make_clinic(session))

    def client_with_intake(hour, shown, **risk):
        client = make_client(session, security)
        return client, shown_intake(
            session, client, BASE + timedelta(hours=hour), shown=shown, **risk
        )

    def sessions(therapist, client, intake, *, days, held, status=FULFILLED):
        created = intake.created_at + timedelta(days=days)
        for week in range(held):
            book(
                session,
                therapist,
                client,
                created=created,
                starts=created + timedelta(days=1 + 7 * week),
                status=status,
            )

    c1, i1 = client_with_intake(1, [ash])
    sessions(ash, c1, i1, days=1, held=3)
    c2, i2 = client_with_intake(2, [ash, bo], high_risk=True)
    sessions(bo, c2, i2, days=2, held=1)
    alert(session, i2, minutes=2)
    c3, i3 = client_with_intake(3, [bo], reports_risk=True)
    sessions(bo, c3, i3, days=20, held=1)  # booked, but not within 14 days
    alert(session, i3, minutes=6)
    _, i4 = client_with_intake(4, [ash], high_risk=True)
    alert(session, i4)  # queued, never delivered
    c5, i5 = client_with_intake(5, [ash])
    sessions(ash, c5, i5, days=3, held=1, status=CANCELLED)
    # Not this clinic's intakes: shown only elsewhere, or before the window.
    _, i6 = client_with_intake(6, [elsewhere], high_risk=True)
    alert(session, i6, minutes=100)
    client_with_intake(-24 * 3, [ash, bo])
    return clinic, ash, bo


def steps(table):
    return {r["step"]: (r["count"], r["rate_from_previous"]) for r in table.rows}


def test_funnel_counts_rates_and_alerts(session, care_funnel):
    clinic, _, _ = care_funnel
    table = funnel(window(clinic), session=session)
    assert [c.name for c in table.columns] == ["step", "label", "count", "rate_from_previous"]
    assert [c.name for c in table.columns if c.small_counts_hidden] == ["count"]
    assert steps(table) == {
        "intakes": (5, None),
        "booked_within_14_days": (3, 0.6),
        "attended_first": (3, 1.0),
        "attended_three": (1, 0.3333),
        "crisis_intakes": (3, 0.6),
        "alert_minutes_median": (4.0, None),  # alerts delivered in 2 and 6 minutes
    }
    shown = steps(hide_small_counts(table))
    assert shown["intakes"] == (5, None)
    assert shown["booked_within_14_days"] == (SUPPRESSED, 0.6)
    assert shown["alert_minutes_median"] == (4.0, None)  # minutes, not a count of people


def test_funnel_for_one_therapist(session, care_funnel):
    clinic, ash, _ = care_funnel
    table = funnel(window(clinic, therapist=ash), session=session)
    # Ash was shown for i1, i2, i4, i5; booked i1 (held 3) and i5 (cancelled) with Ash.
    assert steps(table) == {
        "intakes": (4, None),
        "booked_within_14_days": (2, 0.5),
        "attended_first": (1, 0.5),
        "attended_three": (1, 1.0),
        "crisis_intakes": (2, 0.5),
        "alert_minutes_median": (2.0, None),
    }
    assert {r["count"] for r in hide_small_counts(table).rows} == {SUPPRESSED, 2.0}


def test_funnel_of_an_empty_clinic(session, security):
    table = funnel(window(make_clinic(session)), session=session)
    assert steps(table)["intakes"] == (0, None)
    assert steps(table)["alert_minutes_median"] == (None, None)
