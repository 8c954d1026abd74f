"""Utilization and attendance against hand-computed figures, across zones and clock changes."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from app.reporting.periods import periods
from app.reporting.tables import ReportQuery
from scheduling.appointments.models import AppointmentStatus
from scheduling.availability.models import AvailabilityOverride, AvailabilityRule, TimeOff
from scheduling.reports.attendance import attendance
from scheduling.reports.utilization import utilization
from tests.factories import make_client, make_clinic, make_therapist
from tests.scheduling_factories import make_session_type, past_appointment

# The clinic's week of Monday 2026-03-02 in New York holds the US clock change (Sunday 8 March).
WEEK = (date(2026, 3, 2), date(2026, 3, 9))


def report_query(clinic, therapist=None, start=WEEK[0], end=WEEK[1]) -> ReportQuery:
    return ReportQuery(
        clinic_id=clinic.id,
        timezone=clinic.timezone,
        start=start,
        end=end,
        granularity="week",
        periods=periods(start, end, "week", clinic.timezone),
        therapist_id=therapist.id if therapist else None,
    )


def rule(session, therapist, zone, weekday, start_minute, end_minute):
    session.add(
        AvailabilityRule(
            therapist_id=therapist.id,
            timezone=zone,
            weekday=weekday,
            start_minute=start_minute,
            end_minute=end_minute,
        )
    )
    session.commit()


def by_name(table):
    return {row["therapist_name"]: row for row in table.rows}


@pytest.fixture
def clinic(session):
    return make_clinic(session, tz="America/New_York")


def test_available_hours_follow_each_therapists_zone_and_the_clinics_week(
    session, security, clinic
):
    new_york = make_therapist(
        session, security, clinic, display_name="A New York", timezone="America/New_York"
    )
    rule(session, new_york, "America/New_York", 6, 0, 24 * 60)  # the Sunday of the change
    london = make_therapist(
        session, security, clinic, display_name="B London", timezone="Europe/London"
    )
    rule(session, london, "Europe/London", 0, 9 * 60, 17 * 60)  # Mondays 09:00-17:00
    kolkata = make_therapist(
        session, security, clinic, display_name="C Kolkata", timezone="Asia/Kolkata"
    )
    rule(session, kolkata, "Asia/Kolkata", 0, 0, 24 * 60)  # all of Monday, UTC+05:30

    rows = by_name(utilization(report_query(clinic), session=session))

    # 00:00-24:00 on the day the clock springs forward is 23 real hours.
    assert rows["A New York"]["available_hours"] == 23.0
    # Monday 2 March in London (09:00-17:00 UTC) lies inside the week; 9 March's lies after it.
    assert rows["B London"]["available_hours"] == 8.0
    # Kolkata's Monday 2 March is 1 March 18:30 to 2 March 18:30 UTC: 13.5 h after the clinic's
    # week opens (05:00 UTC); Monday 9 March starts 8 March 18:30 UTC, 9.5 h before it closes
    # (04:00 UTC, New York now being on daylight time).
    assert rows["C Kolkata"]["available_hours"] == 23.0
    assert {row["period"] for row in rows.values()} == {"2026-03-02"}


def test_time_off_and_overrides_change_available_hours(session, security, clinic):
    therapist = make_therapist(session, security, clinic, timezone="America/New_York")
    for weekday in range(7):
        rule(session, therapist, "America/New_York", weekday, 9 * 60, 17 * 60)
    session.add(
        AvailabilityOverride(
            therapist_id=therapist.id, on_date=date(2026, 3, 4), start_minute=None, end_minute=None
        )
    )
    session.add(
        AvailabilityOverride(
            therapist_id=therapist.id,
            on_date=date(2026, 3, 5),
            start_minute=12 * 60,
            end_minute=14 * 60,
        )
    )
    session.add(
        TimeOff(
            therapist_id=therapist.id,
            starts_at=datetime(2026, 3, 6, 15, tzinfo=UTC),  # 10:00 EST
            ends_at=datetime(2026, 3, 6, 18, tzinfo=UTC),
        )
    )
    session.commit()

    row = utilization(report_query(clinic), session=session).rows[0]
    # 7 days x 8 h = 56, minus the closed Wednesday (8), Thursday cut to 2 h (-6), 3 h off.
    assert row["available_hours"] == 56 - 8 - 6 - 3


def test_booked_and_held_hours_utilization_and_caseload(session, security, clinic):
    therapist = make_therapist(
        session, security, clinic, timezone="America/New_York", max_caseload=12
    )
    for weekday in range(5):
        rule(session, therapist, "America/New_York", weekday, 9 * 60, 17 * 60)
    session_type = make_session_type(session, therapist)  # 50 minutes
    clients = [make_client(session, security) for _ in range(3)]
    at = [datetime(2026, 3, d, 15, tzinfo=UTC) for d in (2, 3, 4, 5)]
    past_appointment(
        session,
        therapist,
        clients[0],
        session_type,
        starts_at=at[0],
        status=AppointmentStatus.FULFILLED,
    )
    past_appointment(
        session,
        therapist,
        clients[1],
        session_type,
        starts_at=at[1],
        status=AppointmentStatus.NOSHOW,
    )
    past_appointment(
        session,
        therapist,
        clients[2],
        session_type,
        starts_at=at[2],
        status=AppointmentStatus.CANCELLED,
    )
    past_appointment(
        session,
        therapist,
        clients[0],
        session_type,
        starts_at=at[3],
        status=AppointmentStatus.BOOKED,
    )
    other = make_clinic(session)
    stranger = make_therapist(session, security, other)
    past_appointment(
        session,
        stranger,
        clients[1],
        make_session_type(session, stranger),
        starts_at=at[0],
        status=AppointmentStatus.FULFILLED,
    )

    row = utilization(report_query(clinic), session=session).rows[0]
    assert row["available_hours"] == 40.0
    assert row["booked_hours"] == round(3 * 50 / 60, 2)  # fulfilled, no-show, booked
    assert row["fulfilled_hours"] == round(50 / 60, 2)
    assert row["utilization"] == round(150 / (40 * 60), 4)
    assert row["open_hours"] == round(40 - 2.5, 2)
    assert row["caseload"] == 1  # only client 0 is active (fulfilled and booked)
    assert row["max_caseload"] == 12


def test_attendance_counts_and_rates_per_therapist_and_clinic(session, security, clinic):
    first = make_therapist(session, security, clinic, display_name="First")
    second = make_therapist(session, security, clinic, display_name="Second")
    client = make_client(session, security)
    day = iter(range(2, 9))
    outcomes = [
        (first, {"status": AppointmentStatus.FULFILLED}),
        (first, {"status": AppointmentStatus.FULFILLED}),
        (first, {"status": AppointmentStatus.NOSHOW}),
        (
            first,
            {
                "status": AppointmentStatus.CANCELLED,
                "cancelled_by_role": "client",
                "late_cancellation": True,
            },
        ),
        (second, {"status": AppointmentStatus.CANCELLED, "cancelled_by_role": "therapist"}),
        (second, {"status": AppointmentStatus.BOOKED}),  # not ended: not a session here
    ]
    for therapist, fields in outcomes:
        past_appointment(
            session,
            therapist,
            client,
            make_session_type(session, therapist),
            starts_at=datetime(2026, 3, next(day), 16, tzinfo=UTC),
            **fields,
        )

    rows = by_name(attendance(report_query(clinic), session=session))
    assert rows["First"]["sessions"] == 4
    assert rows["First"]["fulfilled"] == 2
    assert rows["First"]["no_shows"] == 1
    assert rows["First"]["late_cancellations"] == 1
    assert rows["First"]["cancelled_by_client"] == 1
    assert rows["First"]["no_show_rate"] == 0.25
    assert rows["Second"]["cancelled_by_staff"] == 1
    assert rows["Second"]["sessions"] == 1
    everyone = rows["All therapists"]
    assert (everyone["sessions"], everyone["fulfilled"], everyone["therapist_id"]) == (5, 2, None)
    assert everyone["fulfilled_rate"] == 0.4

    only_second = attendance(report_query(clinic, second), session=session).rows
    assert [r["therapist_name"] for r in only_second] == ["Second"]


def test_group_fill_rate_and_waitlist(session, security, clinic):
    from datetime import timedelta

    from app.clock import utcnow
    from scheduling.appointments.models import (
        Appointment,
        AppointmentKind,
        EnrollmentStatus,
        GroupEnrollment,
    )
    from scheduling.reports.groups import group_fill

    host = make_therapist(session, security, clinic, display_name="Host")
    group_type = make_session_type(session, host, is_group=True, capacity=4)
    start = datetime(2026, 3, 4, 23, tzinfo=UTC)
    group = Appointment(
        clinic_id=clinic.id,
        therapist_id=host.id,
        client_id=None,
        session_type_id=group_type.id,
        kind=AppointmentKind.GROUP,
        capacity=4,
        status=AppointmentStatus.BOOKED,
        starts_at=start,
        ends_at=start + timedelta(minutes=90),
        block_starts_at=start,
        block_ends_at=start + timedelta(minutes=90),
        created_by_id=host.user_id,
        status_changed_at=utcnow(),
    )
    session.add(group)
    session.flush()
    for status in [EnrollmentStatus.ENROLLED] * 3 + [
        EnrollmentStatus.WAITLISTED,
        EnrollmentStatus.LEFT,
    ]:
        client = make_client(session, security)
        session.add(
            GroupEnrollment(
                appointment_id=group.id, client_id=client.id, status=status, queued_at=utcnow()
            )
        )
    session.commit()

    (row,) = group_fill(report_query(clinic), session=session).rows
    assert (row["capacity"], row["enrolled"], row["waitlisted"]) == (4, 3, 1)
    assert row["fill_rate"] == 0.75
    assert row["period"] == "2026-03-02"


def test_first_openings_report_each_therapists_first_free_slot(session, security, clinic):
    from scheduling.reports.openings import first_openings
    from tests.scheduling_factories import open_hours

    open_therapist = make_therapist(session, security, clinic, display_name="Open")
    open_hours(session, open_therapist)
    make_session_type(session, open_therapist)
    make_therapist(session, security, clinic, display_name="Closed")

    rows = by_name(first_openings(report_query(clinic), session=session))
    assert rows["Open"]["first_open_at"] is not None
    assert 0 <= rows["Open"]["hours_until_first_open"] <= 24
    assert rows["Closed"]["first_open_at"] is None
    assert rows["Closed"]["hours_until_first_open"] is None
