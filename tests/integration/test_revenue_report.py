"""Revenue per clinic week in the clinic's zone and currency, against hand-computed sums."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime

from app.reporting.periods import periods
from app.reporting.tables import ReportQuery
from billing.ledger.models import EntryKind, LedgerEntry
from billing.ledger.reports import revenue
from billing.pricing.models import BillingPolicy
from tests.factories import make_client, make_clinic, make_therapist


def entry(session, clinic, client, therapist, kind, amount, at):
    session.add(
        LedgerEntry(
            clinic_id=clinic.id,
            client_id=client.id,
            therapist_id=therapist.id,
            kind=kind,
            amount=amount,
            currency="NZD",
            at=at,
            posting_key=uuid.uuid4().hex,
            memo="Appointment",
        )
    )


def test_revenue_by_auckland_week_in_nzd(session, security):
    clinic = make_clinic(session, tz="Pacific/Auckland")
    session.add(BillingPolicy(clinic_id=clinic.id, currency="NZD"))
    ana = make_therapist(session, security, clinic, display_name="Ana")
    ben = make_therapist(session, security, clinic, display_name="Ben")
    client = make_client(session, security)
    # Auckland is UTC+13 in March 2026: Monday 2 March starts 1 March 11:00 UTC.
    entry(session, clinic, client, ana, EntryKind.CHARGE, 15_000, datetime(2026, 1, 20, tzinfo=UTC))
    entry(
        session, clinic, client, ana, EntryKind.PAYMENT, -10_000, datetime(2026, 1, 20, tzinfo=UTC)
    )
    # Sunday 1 March 12:00 UTC is already Monday 2 March in Auckland: the second week.
    entry(
        session,
        clinic,
        client,
        ana,
        EntryKind.PAYMENT,
        -5_000,
        datetime(2026, 3, 1, 12, tzinfo=UTC),
    )
    entry(session, clinic, client, ben, EntryKind.FEE, 4_000, datetime(2026, 2, 24, tzinfo=UTC))
    entry(session, clinic, client, ben, EntryKind.REFUND, 1_000, datetime(2026, 3, 3, tzinfo=UTC))
    entry(
        session, clinic, client, ben, EntryKind.ADJUSTMENT, -1_000, datetime(2026, 3, 3, tzinfo=UTC)
    )
    other = make_clinic(session)
    stranger = make_therapist(session, security, other)
    entry(
        session,
        other,
        client,
        stranger,
        EntryKind.PAYMENT,
        -99_999,
        datetime(2026, 3, 3, tzinfo=UTC),
    )
    session.commit()

    start, end = date(2026, 2, 23), date(2026, 3, 9)
    table = revenue(
        ReportQuery(
            clinic.id,
            clinic.timezone,
            start,
            end,
            "week",
            periods(start, end, "week", clinic.timezone),
        ),
        session=session,
    )
    assert table.currency == "NZD"
    rows = {(r["period"], r["therapist_name"]): r for r in table.rows}
    assert set(rows) == {
        ("2026-02-23", "Ana"),
        ("2026-02-23", "Ben"),
        ("2026-02-23", "All therapists"),
        ("2026-03-02", "Ana"),
        ("2026-03-02", "Ben"),
        ("2026-03-02", "All therapists"),
    }
    first, second = rows[("2026-02-23", "All therapists")], rows[("2026-03-02", "All therapists")]
    assert (first["captured"], first["refunded"], first["fees"]) == (0, 0, 4_000)
    assert first["open_balances"] == 5_000 + 4_000  # Ana's unpaid 50.00 and Ben's fee
    assert (second["captured"], second["refunded"], second["net"]) == (5_000, 1_000, 4_000)
    assert second["open_balances"] == 4_000
    assert rows[("2026-03-02", "Ana")]["open_balances"] == 0
    assert rows[("2026-03-02", "Ben")]["refunded"] == 1_000
