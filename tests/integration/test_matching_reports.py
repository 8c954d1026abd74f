"""Access times and the care funnel against hand-computed figures."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from app.reporting.periods import periods
from app.reporting.tables import ReportQuery
from matching.reports.access import access_times
from matching.reports.funnel import funnel
from scheduling.appointments.models import AppointmentStatus
from tests.factories import make_client, make_clinic, make_therapist
from tests.report_helpers import shown_intake
from tests.scheduling_factories import make_session_type, past_appointment

START, END = date(2026, 1, 5), date(2026, 2, 2)
BASE = datetime(2026, 1, 6, 15, tzinfo=UTC)


def report_query(clinic, therapist=None) -> ReportQuery:
    return ReportQuery(
        clinic.id,
        clinic.timezone,
        START,
        END,
        "week",
        periods(START, END, "week", clinic.timezone),
        therapist.id if therapist else None,
    )


def appointment(session, therapist, session_type, client, *, created, starts, status):
    return past_appointment(
        session,
        therapist,
        client,
        session_type,
        starts_at=starts,
        status=status,
        created_at=created,
    )


def test_waits_from_intake_to_first_booking_and_session(session, security):
    clinic = make_clinic(session)
    therapist = make_therapist(session, security, clinic, display_name="Wren")
    session_type = make_session_type(session, therapist)
    for number, days in enumerate((1, 2, 3, 4, 10)):
        client = make_client(session, security)
        shown_intake(session, client, BASE - timedelta(days=30))  # an older intake is not the one
        shown_intake(session, client, BASE)
        booked = BASE + timedelta(days=days)
        appointment(
            session,
            therapist,
            session_type,
            client,
            created=booked,
            starts=booked + timedelta(days=number + 1, hours=number),
            status=AppointmentStatus.FULFILLED,
        )

    rows = {
        r["therapist_name"]: r for r in access_times(report_query(clinic), session=session).rows
    }
    for row in (rows["Wren"], rows["All therapists"]):
        assert row["new_clients"] == 5
        assert row["days_to_first_booking_median"] == 3.0
        assert row["days_to_first_booking_p90"] == 7.6
    # First sessions came 2, 4, 6, 8 and 15 days after the intakes (plus 0-4 hours).
    assert rows["Wren"]["days_to_first_attended_median"] == round((6 * 24 + 2) / 24, 2)


def test_funnel_counts_only_intakes_shown_this_clinic(session, security):
    clinic = make_clinic(session)
    therapist = make_therapist(session, security, clinic)
    session_type = make_session_type(session, therapist)
    elsewhere = make_therapist(session, security, make_clinic(session))
    outcomes = [  # (days to booking or None, sessions held, high risk)
        (1, 3, False),
        (2, 1, True),
        (5, 1, False),
        (13, 0, False),
        (20, 1, False),
        (None, 0, True),
    ]
    for number, (days, held, high_risk) in enumerate(outcomes):
        client = make_client(session, security)
        shown_intake(
            session,
            client,
            BASE + timedelta(hours=number),
            high_risk=high_risk,
            shown=[therapist, elsewhere],
        )
        if days is None:
            continue
        created = BASE + timedelta(days=days, hours=number)
        for index in range(max(held, 1)):
            appointment(
                session,
                therapist,
                session_type,
                client,
                created=created,
                starts=created + timedelta(days=1 + 7 * index),
                status=AppointmentStatus.FULFILLED if held else AppointmentStatus.CANCELLED,
            )
    shown_intake(session, make_client(session, security), BASE, shown=[elsewhere])

    table = funnel(report_query(clinic), session=session)
    counts = {row["step"]: row["count"] for row in table.rows}
    assert counts == {
        "intakes": 6,
        "booked_within_14_days": 4,
        "attended_first": 4,
        "attended_three": 1,
        "crisis_intakes": 2,
        "alert_minutes_median": None,
    }
    rates = {row["step"]: row["rate_from_previous"] for row in table.rows}
    assert rates["booked_within_14_days"] == round(4 / 6, 4)
    assert [c.name for c in table.columns if c.small_counts_hidden] == ["count"]
