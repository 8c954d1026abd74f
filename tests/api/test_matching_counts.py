"""Counts a client reads are what the service really does: relaxations, openings, licenses.

Each count is checked against an independent answer: the same request with the constraint
relaxed, or the public slots endpoint's own listing.
"""

from __future__ import annotations

from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from app.clock import utcnow
from scheduling.session_types.models import SessionType
from tests.api.test_matching import matches, names, submit, therapist
from tests.factories import auth_headers, make_client
from tests.matching_helpers import listed_slots, matching_clinic

LA = ZoneInfo("America/Los_Angeles")
EVENINGS = [
    {"weekday": d, "start": "18:00", "end": "21:00"}
    for d in ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
]


@pytest.fixture
def clinic(session):
    return matching_clinic(session)


@pytest.fixture
def patient(session, security):
    return make_client(
        session, security, jurisdiction="US-CA", timezone="America/Los_Angeles", age_group="adults"
    )


@pytest.fixture
def headers(client, patient):
    return auth_headers(client, patient.user)


def relaxed_matches(client, headers, **changes):
    return names(matches(client, headers, submit(client, headers, **changes)["id"], limit=50))


def test_each_relaxation_counts_exactly_what_the_relaxed_request_lists(
    client, session, security, clinic, headers
):
    # one bookable and one unbookable (no hours) therapist behind each relaxable constraint,
    # and a therapist who fits everything but has no open time
    for suffix, hours in (("", (9, 12)), (" without hours", None)):
        therapist(session, security, clinic, f"French{suffix}", hours=hours, languages=["fr"])
        therapist(
            session, security, clinic, f"Pricey{suffix}", hours=hours, self_pay_rate_cents=30000
        )
        therapist(session, security, clinic, f"Phone{suffix}", hours=hours, formats=["phone"])
        therapist(session, security, clinic, f"Teens{suffix}", hours=hours, age_groups=["teens"])
    therapist(session, security, clinic, "Fits, no hours", hours=None)
    result = matches(client, headers, submit(client, headers)["id"])
    assert result["matches"] == []
    counts = {r["constraint"]: r["therapists"] for r in result["no_match"]["relaxations"]}
    relaxed = {
        "language": relaxed_matches(
            client, headers, preferences={"languages": ["en", "fr"], "format": "video"}
        ),
        "payment": relaxed_matches(
            client, headers, payment={"method": "self_pay", "max_per_session_cents": 10_000_000}
        ),
        "format": relaxed_matches(client, headers, preferences={"languages": ["en"]}),
    }
    ageless = make_client(session, security, jurisdiction="US-CA", age_group=None)
    relaxed["age_group"] = relaxed_matches(client, auth_headers(client, ageless.user))
    assert relaxed == {
        "language": ["French"],
        "payment": ["Pricey"],
        "format": ["Phone"],
        "age_group": ["Teens"],
    }
    assert counts == {name: len(listed) for name, listed in relaxed.items()}


def test_openings_count_the_whole_window_and_show_preferred_times_first(
    client, session, security, clinic, headers
):
    busy = therapist(session, security, clinic, "All day", hours=(9, 21))
    session_type = session.scalars(select(SessionType)).first()
    body = submit(client, headers, preferred_times=EVENINGS)
    before = utcnow()
    result = matches(client, headers, body["id"], tz="America/Los_Angeles")
    after = utcnow()
    (match,) = result["matches"]
    counted = {
        sum(
            1
            for start in listed_slots(client, busy.id, session_type.id, t, t + timedelta(days=14))
            if 18 <= start.astimezone(LA).hour < 21
        )
        for t in (before, after)
    }
    expected = [r for r in match["reasons"] if "in your preferred times" in r]
    assert expected in [
        [f"{n} openings in your preferred times in the next 14 days"] for n in counted
    ]
    assert min(counted) >= 13 * 3  # far beyond the 20 earliest openings the old code counted
    shown = list(match["next_openings"])
    assert len(shown) == 3
    assert all(18 <= int(opening[11:13]) < 21 for opening in shown), shown


def test_without_preferred_times_every_opening_in_the_window_is_counted(
    client, session, security, clinic, headers
):
    busy = therapist(session, security, clinic, "All day", hours=(9, 21))
    session_type = session.scalars(select(SessionType)).first()
    body = submit(client, headers, preferred_times=[])
    before = utcnow()
    reasons = matches(client, headers, body["id"])["matches"][0]["reasons"]
    after = utcnow()
    listed = {
        len(listed_slots(client, busy.id, session_type.id, t, t + timedelta(days=14)))
        for t in (before, after)
    }
    assert [r for r in reasons if "openings in the next" in r] in [
        [f"{n} openings in the next 14 days"] for n in listed
    ]


def test_a_license_expiring_in_the_window_only_removes_the_later_openings(
    client, session, security, clinic, headers
):
    expires = (utcnow().astimezone(LA) + timedelta(days=5)).date()
    leaving = therapist(
        session, security, clinic, "Expiring", hours=(9, 21), licenses=[("US-CA", expires)]
    )
    session_type = session.scalars(select(SessionType)).first()
    body = submit(client, headers, preferred_times=EVENINGS)
    before = utcnow()
    result = matches(client, headers, body["id"])
    after = utcnow()
    assert names(result) == ["Expiring"]
    reasons = result["matches"][0]["reasons"]
    assert (
        reasons[0] == "License in California, United States valid until "
        f"{expires:%B} {expires.day}, {expires.year}"
    )
    licensed = {
        sum(
            1
            for start in listed_slots(
                client, leaving.id, session_type.id, t, t + timedelta(days=14)
            )
            if 18 <= start.astimezone(LA).hour < 21 and start.astimezone(LA).date() <= expires
        )
        for t in (before, after)
    }
    assert [r for r in reasons if "preferred times" in r] in [
        [f"{n} openings in your preferred times in the next 14 days"] for n in licensed
    ]
    assert max(licensed) <= 6 * 3


def test_a_license_valid_through_the_window_reads_licensed(
    client, session, security, clinic, headers
):
    therapist(session, security, clinic, "Long license")
    result = matches(client, headers, submit(client, headers)["id"])
    assert result["matches"][0]["reasons"][0] == "Licensed in California, United States"
