"""Care beyond the US: ISO 3166-2 places, national registrations, and bookings across DST abroad.

Expected instants are computed by hand from each country's published DST rule (Australia's
south-east: daylight time ends the first Sunday of April at 03:00; Canada: it begins the second
Sunday of March at 02:00) and fixed offsets, not by zoneinfo, which the engine itself uses.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import select

from app.clock import utcnow
from app.directory.models import ClientProfile
from scheduling.availability.models import AvailabilityRule
from scheduling.session_types.models import SessionType
from tests.api.test_matching import intake_body, names, therapist
from tests.factories import auth_headers, make_client, make_clinic
from tests.scheduling_factories import iso

NEXT_YEARS = utcnow().date() + timedelta(days=800)


def _sunday_of(year: int, month: int, nth: int) -> date:
    first = date(year, month, 1)
    return first + timedelta(days=(6 - first.weekday()) % 7 + 7 * (nth - 1))


def _next(rule, *, after: date) -> date:
    """The next date the DST rule falls on, at least a week away (slots need notice)."""
    year = after.year
    while rule(year) <= after + timedelta(days=7):
        year += 1
    return rule(year)


@pytest.fixture
def clinic_at(session):
    def build(zone: str):
        clinic = make_clinic(session, tz=zone)
        session_type = SessionType(
            clinic_id=clinic.id,
            therapist_id=None,
            name="Session",
            duration_minutes=50,
            buffer_after_minutes=10,
            min_notice_minutes=0,
            horizon_days=500,  # the next DST change may be more than a year away
            slot_step_minutes=60,
        )
        session.add(session_type)
        session.commit()
        return clinic, session_type

    return build


def _hours(session, profile, zone: str, hour: int) -> None:
    """One 09:00-style hour a day in the therapist's zone (the helper's own hours removed)."""
    for rule in session.scalars(
        select(AvailabilityRule).where(AvailabilityRule.therapist_id == profile.id)
    ):
        session.delete(rule)
    for weekday in range(7):
        session.add(
            AvailabilityRule(
                therapist_id=profile.id,
                timezone=zone,
                weekday=weekday,
                start_minute=hour * 60,
                end_minute=hour * 60 + 60,
            )
        )
    session.commit()


def _slots(client, therapist_id, session_type_id, start: datetime, end: datetime, tz=None):
    query = {"start": iso(start), "end": iso(end), "session_type": str(session_type_id)}
    response = client.get(
        f"/api/v1/therapists/{therapist_id}/slots", query_string=query | ({"tz": tz} if tz else {})
    )
    assert response.status_code == 200, response.get_json()
    return [slot["start"] for slot in response.get_json()["slots"]]


def _book(client, headers, therapist_id, session_type_id, start: str, **extra):
    body = {"therapist_id": str(therapist_id), "session_type_id": str(session_type_id)}
    return client.post(
        "/api/v1/appointments", headers=headers, json=body | {"start": start} | extra
    )


def test_a_national_australian_registration_covers_new_south_wales_across_the_end_of_dst(
    client, session, security, clinic_at
):
    clinic, session_type = clinic_at("Australia/Sydney")
    national = therapist(session, security, clinic, "Mia", licenses=[("AU", NEXT_YEARS)])
    victoria = therapist(session, security, clinic, "Vic", licenses=[("AU-VIC", NEXT_YEARS)])
    for profile in (national, victoria):
        _hours(session, profile, "Australia/Sydney", 9)
    client_profile = make_client(
        session, security, jurisdiction="AU-NSW", timezone="Australia/Sydney"
    )
    headers = auth_headers(client, client_profile.user)

    intake = client.post("/api/v1/intakes", headers=headers, json=intake_body())
    assert intake.status_code == 201, intake.get_json()
    assert intake.get_json()["jurisdiction"] == "AU-NSW"
    listed = client.get(f"/api/v1/intakes/{intake.get_json()['id']}/matches", headers=headers)
    assert listed.status_code == 200, listed.get_json()
    assert names(listed.get_json()) == ["Mia"]  # a Victorian license is not a NSW one
    assert listed.get_json()["matches"][0]["reasons"][0] == (
        "Licensed in New South Wales, Australia"
    )

    # Daylight time (UTC+11) ends at 03:00 on the first Sunday of April; then UTC+10.
    change = _next(lambda y: _sunday_of(y, 4, 1), after=utcnow().date())
    friday = change - timedelta(days=2)
    window_start = datetime(friday.year, friday.month, friday.day, tzinfo=UTC) - timedelta(days=1)
    slots = _slots(
        client, national.id, session_type.id, window_start, window_start + timedelta(days=4)
    )
    at_nine = [
        datetime(d.year, d.month, d.day, 9, tzinfo=UTC) - timedelta(hours=offset)
        for d, offset in (
            (friday, 11),
            (friday + timedelta(days=1), 11),
            (change, 10),
            (change + timedelta(days=1), 10),
        )
    ]
    assert slots == [iso(instant) for instant in at_nine]

    monday = iso(at_nine[3])
    refused = _book(client, headers, victoria.id, session_type.id, monday)
    assert refused.status_code == 422, refused.get_json()
    assert "New South Wales, Australia (AU-NSW)" in refused.get_json()["message"]
    booked = _book(client, headers, national.id, session_type.id, monday)
    assert booked.status_code == 201, booked.get_json()
    assert booked.get_json()["located_in"] == "AU-NSW"
    assert booked.get_json()["starts_at"] == monday

    # Travelling to Victoria for a session, the Victorian therapist can be booked.
    sunday = iso(at_nine[2])
    moved = _book(client, headers, victoria.id, session_type.id, sunday, located_in="AU-VIC")
    assert moved.status_code == 201, moved.get_json()


def test_a_newfoundland_client_books_an_ontario_therapist_across_the_start_of_dst(
    client, session, security, clinic_at
):
    clinic, session_type = clinic_at("America/Toronto")
    both = therapist(
        session,
        security,
        clinic,
        "Jeanne",
        licenses=[("CA-ON", NEXT_YEARS), ("CA-NL", NEXT_YEARS)],
    )
    ontario = therapist(session, security, clinic, "Owen", licenses=[("CA-ON", NEXT_YEARS)])
    for profile in (both, ontario):
        _hours(session, profile, "America/Toronto", 9)
    client_profile = make_client(
        session, security, jurisdiction="CA-NL", timezone="America/St_Johns"
    )
    headers = auth_headers(client, client_profile.user)

    intake = client.post("/api/v1/intakes", headers=headers, json=intake_body())
    assert intake.status_code == 201, intake.get_json()
    listed = client.get(f"/api/v1/intakes/{intake.get_json()['id']}/matches", headers=headers)
    assert names(listed.get_json()) == ["Jeanne"]

    # Toronto: UTC-5 until 02:00 on the second Sunday of March, then UTC-4. St John's keeps its
    # half hour: UTC-3:30, then UTC-2:30, changing the same night.
    change = _next(lambda y: _sunday_of(y, 3, 2), after=utcnow().date())
    saturday = change - timedelta(days=1)
    start = datetime(saturday.year, saturday.month, saturday.day, tzinfo=UTC)
    slots = _slots(
        client, both.id, session_type.id, start, start + timedelta(days=2), tz="America/St_Johns"
    )
    assert slots == [
        f"{saturday.isoformat()}T10:30:00-03:30",  # 09:00 EST = 14:00Z
        f"{change.isoformat()}T10:30:00-02:30",  # 09:00 EDT = 13:00Z
    ]
    sunday_utc = iso(datetime(change.year, change.month, change.day, 13, tzinfo=UTC))
    refused = _book(client, headers, ontario.id, session_type.id, sunday_utc)
    assert refused.status_code == 422
    assert "Newfoundland and Labrador, Canada (CA-NL)" in refused.get_json()["message"]
    booked = _book(client, headers, both.id, session_type.id, f"{change}T10:30:00-02:30")
    assert booked.status_code == 201, booked.get_json()
    assert booked.get_json()["starts_at"] == sunday_utc
    assert booked.get_json()["located_in"] == "CA-NL"


def test_the_us_codes_of_earlier_versions_still_work_and_say_they_are_deprecated(client, session):
    legacy = client.post(
        "/api/v1/auth/register",
        json={
            "email": "legacy-codes@example.org",
            "password": "a-long-enough-passphrase",
            "display_name": "Robin",
            "jurisdiction": "NY",
            "timezone": "America/New_York",
            "age_group": "adults",
        },
    )
    assert legacy.status_code == 201, legacy.get_json()
    assert legacy.headers["Deprecation"] == "@1795305600"  # 2026-11-22T00:00:00Z
    assert 'rel="deprecation"' in legacy.headers["Link"]
    stored = session.scalar(
        select(ClientProfile.jurisdiction).where(ClientProfile.display_name == "Robin")
    )
    assert stored == "US-NY"

    current = client.get("/api/v1/therapists", query_string={"jurisdiction": "US-NY"})
    assert current.status_code == 200
    assert "Deprecation" not in current.headers
    old = client.get("/api/v1/therapists", query_string={"jurisdiction": "NY"})
    assert old.status_code == 200
    assert "Deprecation" in old.headers


@pytest.mark.parametrize("code", ["CA-ZZ", "US", "ca-on", "XK-01", "AU-NSW ", "EU", "GB-LND"])
def test_places_that_are_not_jurisdictions_are_refused(client, code):
    response = client.get("/api/v1/therapists", query_string={"jurisdiction": code})
    assert response.status_code == 422, response.get_json()
    assert "ISO 3166-2" in response.get_json()["errors"]["query"]["jurisdiction"][0]


def test_the_vocabulary_lists_subdivisions_where_care_is_licensed_by_them(client):
    listed = client.get("/api/v1/vocabularies").get_json()["jurisdictions"]
    codes = {entry["code"]: entry["label"] for entry in listed}

    def count(prefix: str) -> int:
        return sum(code.startswith(prefix) for code in codes)

    assert count("US-") == 56  # 50 states, DC, Puerto Rico, Guam, USVI, American Samoa, CNMI
    assert count("CA-") == 13  # 10 provinces, 3 territories
    assert count("AU-") == 8  # 6 states, 2 territories
    assert count("GB-") == 4  # England, Scotland, Wales, Northern Ireland
    assert codes["GB-WLS"] == "Wales, United Kingdom"
    assert codes["CA-QC"] == "Quebec, Canada"
    assert {"AU", "GB", "IE", "NZ", "FR", "JP", "ZA"} <= set(codes)
    # Licensing there is by state or province; and PR is US-PR, never two codes for one place.
    assert not {"US", "CA", "PR", "GU"} & set(codes)
    # A bare code that was a US state means that state until version 2: Germany (DE, also
    # Delaware) and Indonesia (ID, also Idaho) wait for the old codes to retire.
    assert not {"DE", "ID", "IN", "AL", "GA", "PA"} & set(codes)


@pytest.mark.parametrize(
    ("place", "zone", "expected", "never"),
    [
        ("AU-NSW", "Australia/Sydney", {"13 11 14", "000"}, {"911", "988", "999"}),
        ("CA-NL", "America/St_Johns", {"9-8-8", "911"}, {"000", "999", "988"}),
        ("GB-SCT", "Europe/London", {"116 123", "999"}, {"911", "000"}),
        ("JP", "Asia/Tokyo", set(), {"911", "988", "999", "000"}),
    ],
)
def test_a_client_in_crisis_abroad_gets_lines_that_work_where_they_are(
    client, session, security, place, zone, expected, never
):
    person = make_client(session, security, jurisdiction=place, timezone=zone)
    headers = auth_headers(client, person.user)
    intake = client.post(
        "/api/v1/intakes", headers=headers, json=intake_body(phq9=[1, 1, 1, 1, 1, 0, 0, 0, 2])
    )
    assert intake.status_code == 201, intake.get_json()
    listed = client.get(f"/api/v1/intakes/{intake.get_json()['id']}/matches", headers=headers)
    assert listed.status_code == 200, listed.get_json()
    for answer in (intake.get_json(), listed.get_json()):
        resources = answer["crisis_resources"]
        assert resources, "never nothing"
        phones = {r["phone"] for r in resources}
        assert expected <= phones
        assert not never & phones
        if not expected:  # no entry for Japan: the international directory and guidance
            assert {r["scope"] for r in resources} == {"international"}
