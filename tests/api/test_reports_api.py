"""The report endpoint over HTTP: shapes, CSV equal to JSON, who may read what, audit, privacy."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from app.audit import AuditEvent
from app.identity.models import Role
from scheduling.appointments.models import AppointmentStatus
from tests.factories import auth_headers, make_client, make_clinic, make_therapist, make_user
from tests.report_helpers import shown_intake
from tests.scheduling_factories import make_session_type, open_hours, past_appointment

WINDOW = {"from": "2026-03-02", "to": "2026-03-16"}
NAMES = (
    "utilization",
    "attendance",
    "revenue",
    "access",
    "openings",
    "funnel",
    "groups",
    "crisis_response",
)


@pytest.fixture
def clinic_data(client, session, security):
    clinic = make_clinic(session, tz="America/New_York")
    first = make_therapist(session, security, clinic, display_name="First")
    second = make_therapist(session, security, clinic, display_name="Second")
    for therapist in (first, second):
        open_hours(session, therapist)
    session_type = make_session_type(session, first)
    patient = make_client(session, security)
    for day, status in (
        (2, AppointmentStatus.FULFILLED),
        (3, AppointmentStatus.NOSHOW),
        (10, AppointmentStatus.FULFILLED),
    ):
        past_appointment(
            session,
            first,
            patient,
            session_type,
            starts_at=datetime(2026, 3, day, 15, tzinfo=UTC),
            status=status,
        )
    admin = make_user(session, security, Role.ADMIN, clinic=clinic)
    session.commit()
    return {
        "clinic": clinic,
        "first": first,
        "second": second,
        "patient": patient,
        "admin": auth_headers(client, admin),
        "first_headers": auth_headers(client, first.user),
    }


def url(clinic, name):
    return f"/api/v1/clinics/{clinic.id}/reports/{name}"


@pytest.mark.parametrize("name", NAMES)
def test_every_report_answers_json_and_the_same_rows_as_csv(client, clinic_data, name):
    clinic, headers = clinic_data["clinic"], clinic_data["admin"]
    body = client.get(url(clinic, name), query_string=WINDOW, headers=headers)
    assert body.status_code == 200, body.get_json()
    report = body.get_json()
    assert report["report"] == name
    assert (report["from"], report["to"], report["granularity"]) == (
        "2026-03-02",
        "2026-03-16",
        "week",
    )
    names = [column["name"] for column in report["columns"]]
    assert names
    for trigger in (
        {"query_string": {**WINDOW, "format": "csv"}},
        {"query_string": WINDOW, "headers": {**headers, "Accept": "text/csv"}},
    ):
        options = {"headers": headers, **trigger}
        response = client.get(url(clinic, name), **options)
        assert response.mimetype == "text/csv"
        assert (
            f'filename="{name}-2026-03-02-2026-03-16.csv"'
            in response.headers["Content-Disposition"]
        )
        lines = list(csv.reader(io.StringIO(response.get_data(as_text=True))))
        assert lines[0] == names
        expected = [
            ["" if row[n] is None else str(row[n]) for n in names] for row in report["rows"]
        ]
        assert lines[1:] == expected


def test_figures_over_http(client, clinic_data):
    report = client.get(
        url(clinic_data["clinic"], "attendance"), query_string=WINDOW, headers=clinic_data["admin"]
    ).get_json()
    rows = {(r["period"], r["therapist_name"]): r for r in report["rows"]}
    assert rows[("2026-03-02", "First")]["sessions"] == 2
    assert rows[("2026-03-02", "First")]["no_show_rate"] == 0.5
    assert rows[("2026-03-09", "All therapists")]["fulfilled"] == 1
    monthly = client.get(
        url(clinic_data["clinic"], "utilization"),
        query_string={"from": "2026-03-01", "to": "2026-05-01", "granularity": "month"},
        headers=clinic_data["admin"],
    ).get_json()
    assert sorted({r["period"] for r in monthly["rows"]}) == ["2026-03-01", "2026-04-01"]


def test_a_therapist_reads_only_their_own_rows(client, clinic_data):
    clinic, second = clinic_data["clinic"], clinic_data["second"]
    own = client.get(
        url(clinic, "utilization"), query_string=WINDOW, headers=clinic_data["first_headers"]
    ).get_json()
    assert {r["therapist_name"] for r in own["rows"]} == {"First"}
    attendance = client.get(
        url(clinic, "attendance"), query_string=WINDOW, headers=clinic_data["first_headers"]
    ).get_json()
    assert "All therapists" not in {r["therapist_name"] for r in attendance["rows"]}
    others = client.get(
        url(clinic, "utilization"),
        query_string={**WINDOW, "therapist_id": str(second.id)},
        headers=clinic_data["first_headers"],
    )
    assert others.status_code == 404


def test_other_clinics_clients_and_bad_requests(client, session, security, clinic_data):
    clinic = clinic_data["clinic"]
    stranger_admin = make_user(session, security, Role.ADMIN, clinic=make_clinic(session))
    session.commit()
    foreign = auth_headers(client, stranger_admin)
    assert (
        client.get(url(clinic, "revenue"), query_string=WINDOW, headers=foreign).status_code == 404
    )
    patient = auth_headers(client, clinic_data["patient"].user)
    assert (
        client.get(url(clinic, "revenue"), query_string=WINDOW, headers=patient).status_code == 403
    )
    admin = clinic_data["admin"]
    assert client.get(url(clinic, "payroll"), query_string=WINDOW, headers=admin).status_code == 404
    inverted = client.get(
        url(clinic, "revenue"),
        query_string={"from": "2026-03-16", "to": "2026-03-02"},
        headers=admin,
    )
    assert inverted.status_code == 422
    too_long = client.get(
        url(clinic, "revenue"),
        query_string={"from": "2020-01-01", "to": "2026-01-01"},
        headers=admin,
    )
    assert too_long.status_code == 422
    year_one = client.get(
        url(clinic, "revenue"),
        query_string={"from": "0001-01-01", "to": "0001-02-01"},
        headers=admin,
    )
    assert year_one.status_code == 422
    other_therapist = make_therapist(session, security, make_clinic(session))
    wrong = client.get(
        url(clinic, "utilization"),
        query_string={**WINDOW, "therapist_id": str(other_therapist.id)},
        headers=admin,
    )
    assert wrong.status_code == 404


def test_every_read_is_audited(client, session, clinic_data):
    client.get(
        url(clinic_data["clinic"], "funnel"), query_string=WINDOW, headers=clinic_data["admin"]
    )
    events = session.scalars(
        select(AuditEvent).where(AuditEvent.resource_type == "clinic_report")
    ).all()
    assert [(e.action, e.resource_id) for e in events] == [
        ("report.read:funnel", clinic_data["clinic"].id)
    ]


def test_funnel_counts_under_five_are_hidden(client, session, clinic_data):
    first = clinic_data["first"]
    for hour in range(3):
        shown_intake(
            session, clinic_data["patient"], datetime(2026, 3, 3, hour, tzinfo=UTC), shown=[first]
        )
    session.commit()
    report = client.get(
        url(clinic_data["clinic"], "funnel"), query_string=WINDOW, headers=clinic_data["admin"]
    ).get_json()
    counts = {row["step"]: row["count"] for row in report["rows"]}
    assert counts["intakes"] == "<5"
    assert counts["attended_three"] == 0  # zero identifies nobody


def test_csv_cells_a_spreadsheet_would_run_as_formulas_are_defused(client, session, clinic_data):
    first = clinic_data["first"]
    first.display_name = '=HYPERLINK("http://evil.example","x"), "quoted"\nline'
    session.commit()
    response = client.get(
        url(clinic_data["clinic"], "utilization"),
        query_string={**WINDOW, "format": "csv"},
        headers=clinic_data["admin"],
    )
    rows = list(csv.DictReader(io.StringIO(response.get_data(as_text=True))))
    names = {row["therapist_name"] for row in rows}
    assert "'" + first.display_name in names
    assert not any(name.startswith("=") for name in names)
