"""Utilization and attendance against hand-computed figures, across zones and clock changes."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

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


# --- more hand-computed cases: nights across clock changes, half-hour zones, scope, caseload ---


def test_a_night_across_a_clock_change_is_its_real_length(session, security, clinic):
    from tests.report_helpers import weekly

    night = make_therapist(session, security, clinic, display_name="Night")
    weekly(session, night, 5, "22:00", "24:00")  # Saturday evening
    weekly(session, night, 6, "00:00", "06:00")  # into Sunday morning

    def hours_in(start, end, granularity="week"):
        query = report_query(clinic, start=start, end=end)
        if granularity == "month":
            query = ReportQuery(
                clinic.id,
                clinic.timezone,
                start,
                end,
                "month",
                periods(start, end, "month", clinic.timezone),
            )
        return [row["available_hours"] for row in utilization(query, session=session).rows]

    # Saturday 7 March 22:00 to Sunday 8 March 06:00 loses the hour from 02:00 to 03:00.
    assert hours_in(*WEEK) == [7.0]
    # Saturday 31 October 22:00 to Sunday 1 November 06:00 lives 01:00-02:00 twice.
    assert hours_in(date(2026, 10, 26), date(2026, 11, 2)) == [9.0]
    # March 2026: four Saturday evenings (2 h) and five Sunday mornings (6 h), one 5 h long.
    assert hours_in(date(2026, 3, 1), date(2026, 4, 1), "month") == [4 * 2 + 5 * 6 - 1]


def test_half_hour_zones_with_their_own_clock_change_and_clipping(session, security, clinic):
    from tests.report_helpers import weekly

    adelaide_clinic = make_clinic(session, tz="Australia/Adelaide")
    local = make_therapist(
        session, security, adelaide_clinic, display_name="Local", timezone="Australia/Adelaide"
    )
    weekly(session, local, 6, "00:00", "24:00")
    # Adelaide leaves daylight time at 03:00 on Sunday 5 April 2026: that day is 25 hours.
    week = (date(2026, 3, 30), date(2026, 4, 6))
    (row,) = utilization(report_query(adelaide_clinic, None, *week), session=session).rows
    assert row["available_hours"] == 25.0

    far = make_therapist(
        session, security, clinic, display_name="Far", timezone="Australia/Adelaide"
    )
    weekly(session, far, 0, "09:00", "17:00")
    # Mondays 09:00-17:00 at UTC+10:30. The New York week runs from 2 March 05:00 UTC to
    # 9 March 04:00 UTC: Monday 2 March (1 March 22:30 to 2 March 06:30 UTC) keeps 1.5 h, and
    # Monday 9 March (8 March 22:30 to 9 March 06:30 UTC) 5.5 h.
    (row,) = utilization(report_query(clinic, far), session=session).rows
    assert row["available_hours"] == 7.0


def test_therapist_filter_and_other_clinics(session, security, clinic):
    from scheduling.appointments.models import EnrollmentStatus
    from scheduling.reports.groups import group_fill
    from tests.report_helpers import group_session, weekly

    mine = make_therapist(session, security, clinic, display_name="Mine")
    colleague = make_therapist(session, security, clinic, display_name="Colleague")
    for therapist in (mine, colleague):
        weekly(session, therapist, 1, "09:00", "17:00")
    client = make_client(session, security)
    kind = make_session_type(session, mine)
    at = datetime(2026, 3, 3, 15, tzinfo=UTC)
    past_appointment(session, mine, client, kind, starts_at=at, status=AppointmentStatus.FULFILLED)
    # Recorded under another clinic (the therapist worked there then): never counted here.
    other = make_clinic(session)
    moved = past_appointment(
        session,
        mine,
        client,
        kind,
        starts_at=at + timedelta(days=1),
        status=AppointmentStatus.FULFILLED,
    )
    moved.clinic_id = other.id
    stranger = make_therapist(session, security, other, display_name="Stranger")
    stranger_kind = make_session_type(session, stranger)
    past_appointment(
        session,
        stranger,
        make_client(session, security),
        stranger_kind,
        starts_at=at,
        status=AppointmentStatus.NOSHOW,
    )
    group_kind = make_session_type(session, colleague, is_group=True, capacity=4)
    group_session(
        session,
        colleague,
        group_kind,
        starts_at=at + timedelta(hours=2),
        members=[(client, EnrollmentStatus.ENROLLED)],
    )
    group_session(
        session, stranger, make_session_type(session, stranger), starts_at=at + timedelta(hours=2)
    )
    session.commit()

    rows = by_name(utilization(report_query(clinic), session=session))
    assert set(rows) == {"Mine", "Colleague"}
    assert rows["Mine"]["booked_hours"] == round(50 / 60, 2)
    assert rows["Colleague"]["booked_hours"] == 1.5  # the group session's own 90 minutes
    only_mine = utilization(report_query(clinic, mine), session=session).rows
    assert [row["therapist_name"] for row in only_mine] == ["Mine"]
    assert only_mine[0]["available_hours"] == 8.0

    everyone = by_name(attendance(report_query(clinic), session=session))
    assert set(everyone) == {"Mine", "All therapists"}  # group sessions are not counted
    assert everyone["All therapists"]["sessions"] == 1
    assert everyone["All therapists"]["no_shows"] == 0

    groups = group_fill(report_query(clinic), session=session).rows
    assert [row["therapist_name"] for row in groups] == ["Colleague"]
    assert group_fill(report_query(clinic, mine), session=session).rows == []


def test_a_quiet_week_has_a_clinic_row_without_rates(session, security, clinic):
    make_therapist(session, security, clinic)
    (row,) = attendance(report_query(clinic), session=session).rows
    assert (row["therapist_name"], row["sessions"]) == ("All therapists", 0)
    assert (row["fulfilled_rate"], row["late_cancellation_rate"], row["no_show_rate"]) == (
        None,
        None,
        None,
    )
    (util,) = utilization(report_query(clinic), session=session).rows
    assert (util["available_hours"], util["utilization"], util["open_hours"]) == (0.0, None, 0.0)


def test_caseload_is_counted_in_the_90_days_before_each_periods_end(session, security, clinic):
    therapist = make_therapist(session, security, clinic, display_name="T", max_caseload=20)
    kind = make_session_type(session, therapist)
    a, b, c, d, e, f = (make_client(session, security) for _ in range(6))

    def visit(client, day, status=AppointmentStatus.FULFILLED):
        past_appointment(
            session,
            therapist,
            client,
            kind,
            starts_at=datetime(*day, 16, tzinfo=UTC),
            status=status,
        )

    # Weeks of 30 March (ends 6 April 04:00 UTC) and 6 April (ends 13 April 04:00 UTC): their
    # 90 days start on 6 January 04:00 and 13 January 04:00 UTC.
    visit(a, (2026, 1, 5))  # before both
    visit(a, (2026, 1, 7))  # the first week's only
    visit(b, (2026, 4, 8), AppointmentStatus.BOOKED)  # the second week's only
    visit(c, (2026, 3, 1), AppointmentStatus.CANCELLED)  # never active
    visit(d, (2026, 3, 2), AppointmentStatus.NOSHOW)  # never active
    visit(e, (2026, 2, 20))
    visit(e, (2026, 3, 20))  # one client, counted once
    visit(f, (2026, 4, 9))  # the second week's only (after the first week's end)
    query = report_query(clinic, start=date(2026, 3, 30), end=date(2026, 4, 13))
    rows = utilization(query, session=session).rows
    assert [(row["period"], row["caseload"]) for row in rows] == [
        ("2026-03-30", 2),  # a, e
        ("2026-04-06", 3),  # b, e, f
    ]
    assert {row["max_caseload"] for row in rows} == {20}
    assert rows[1]["booked_hours"] == round(2 * 50 / 60, 2)


def test_booked_hours_keep_each_sessions_own_length(session, security, clinic):
    therapist = make_therapist(session, security, clinic)
    kind = make_session_type(session, therapist)
    client = make_client(session, security)
    past_appointment(
        session,
        therapist,
        client,
        kind,
        starts_at=datetime(2026, 3, 3, 15, tzinfo=UTC),
        status=AppointmentStatus.ARRIVED,
    )
    kind.duration_minutes = 80  # edited after the session was booked
    session.commit()
    (row,) = utilization(report_query(clinic), session=session).rows
    assert (row["booked_hours"], row["fulfilled_hours"]) == (round(50 / 60, 2), round(50 / 60, 2))


def test_group_rows_by_period_without_cancelled_sessions(session, security, clinic):
    from scheduling.appointments.models import EnrollmentStatus
    from scheduling.reports.groups import group_fill
    from tests.report_helpers import group_session

    host = make_therapist(session, security, clinic, display_name="Host")
    kind = make_session_type(session, host, is_group=True, capacity=3)
    members = [make_client(session, security) for _ in range(4)]
    seated = [(m, EnrollmentStatus.ENROLLED) for m in members[:3]]
    second = group_session(
        session,
        host,
        kind,
        starts_at=datetime(2026, 3, 10, 23, tzinfo=UTC),
        capacity=3,
        members=[*seated, (members[3], EnrollmentStatus.WAITLISTED)],
    )
    first = group_session(
        session,
        host,
        kind,
        starts_at=datetime(2026, 3, 3, 23, tzinfo=UTC),
        capacity=3,
        members=seated[:1],
    )
    group_session(
        session,
        host,
        kind,
        starts_at=datetime(2026, 3, 4, 23, tzinfo=UTC),
        status=AppointmentStatus.CANCELLED,
    )
    query = report_query(clinic, start=date(2026, 3, 2), end=date(2026, 3, 16))
    rows = group_fill(query, session=session).rows
    assert [(r["period"], r["session_id"]) for r in rows] == [
        ("2026-03-02", str(first.id)),
        ("2026-03-09", str(second.id)),
    ]
    assert [(r["enrolled"], r["fill_rate"], r["waitlisted"]) for r in rows] == [
        (1, 0.3333, 0),
        (3, 1.0, 1),
    ]
    assert rows[0]["starts_at"].startswith("2026-03-03T23:00:00")


def test_openings_search_the_whole_booking_horizon(session, security, clinic):
    from app.clock import utcnow
    from scheduling.reports.openings import first_openings
    from tests.scheduling_factories import open_hours

    away_until = utcnow() + timedelta(days=70)  # beyond one search window (62 days)
    far_sighted = make_therapist(session, security, clinic, display_name="Far-sighted")
    short_sighted = make_therapist(session, security, clinic, display_name="Short-sighted")
    for therapist, horizon in ((far_sighted, 120), (short_sighted, 60)):
        open_hours(session, therapist)  # 08:00-20:00 UTC every day
        make_session_type(session, therapist, horizon_days=horizon)
        session.add(TimeOff(therapist_id=therapist.id, starts_at=utcnow(), ends_at=away_until))
    session.commit()

    rows = by_name(first_openings(report_query(clinic), session=session))
    first = datetime.fromisoformat(rows["Far-sighted"]["first_open_at"])
    assert away_until <= first <= away_until + timedelta(days=1)
    assert rows["Far-sighted"]["hours_until_first_open"] >= 70 * 24
    assert rows["Short-sighted"]["first_open_at"] is None  # nothing within its 60 days
