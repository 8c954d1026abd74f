"""A high-risk intake gets the crisis lines of where the client is, with where each comes from."""

from __future__ import annotations

import json

import pytest

from tests.api.test_matching import submit
from tests.factories import auth_headers, make_client
from tests.unit.test_crisis_lines import valid

RISK = [1, 1, 1, 1, 1, 0, 0, 0, 1]


def headers_in(client, session, security, jurisdiction):
    # The profile is written directly: these tests do not depend on which codes the API accepts.
    patient = make_client(session, security, jurisdiction=jurisdiction, age_group="adults")
    return auth_headers(client, patient.user)


def test_a_client_in_scotland_gets_scottish_then_uk_lines(client, session, security):
    headers = headers_in(client, session, security, "GB-SCT")
    body = submit(client, headers, phq9=RISK)
    assert body["high_risk"] is True
    resources = body["crisis_resources"]
    assert [(r["name"], r["scope"], r["subdivision"]) for r in resources] == [
        ("NHS 24", "subdivision", "GB-SCT"),
        ("Breathing Space", "subdivision", "GB-SCT"),
        ("Samaritans", "country", None),
        ("Shout", "country", None),
        ("Emergency services", "country", None),
    ]
    assert resources[1]["phone"] == "0800 83 85 87"
    assert resources[3] | {"checked_on": None} == {
        "name": "Shout",
        "contact": "Text SHOUT to 85258",
        "url": "https://giveusashout.org",
        "kind": "crisis_line",
        "phone": None,
        "text": "Text SHOUT to 85258",
        "hours": "24/7",
        "languages": [],
        "note": None,
        "scope": "country",
        "country": "GB",
        "subdivision": None,
        "source": "https://giveusashout.org",
        "checked_on": None,
    }
    assert resources[-1]["contact"] == "Call 999 if you are in immediate danger"
    assert resources[-1]["url"] is None
    everything = json.dumps(resources)
    assert "911" not in everything
    assert "988" not in everything
    again = client.get(f"/api/v1/intakes/{body['id']}", headers=headers).get_json()
    assert again["crisis_resources"] == resources


def test_a_client_in_new_zealand_is_told_111_not_911(client, session, security):
    body = submit(client, headers_in(client, session, security, "NZ"), phq9=RISK)
    emergencies = [r for r in body["crisis_resources"] if r["kind"] == "emergency"]
    assert [(r["phone"], r["country"]) for r in emergencies] == [("111", "NZ")]


def test_a_client_where_no_lines_are_on_file_gets_international_help(client, session, security):
    body = submit(client, headers_in(client, session, security, "JP"), phq9=RISK)
    resources = body["crisis_resources"]
    assert [(r["name"], r["scope"], r["country"]) for r in resources] == [
        ("Find A Helpline", "international", None),
        ("Befrienders Worldwide", "international", None),
        ("Emergency services", "international", None),
    ]
    assert resources[-1]["phone"] is None
    assert resources[-1]["contact"].startswith("If you are in immediate danger, call your local")
    assert "112 in the EU" in resources[-1]["contact"]


@pytest.mark.parametrize("jurisdiction", ["US-CA", "US-NY"])
def test_a_client_in_the_us_gets_988_and_911(client, session, security, jurisdiction):
    body = submit(client, headers_in(client, session, security, jurisdiction), phq9=RISK)
    resources = body["crisis_resources"]
    assert [(r["contact"], r["scope"]) for r in resources] == [
        ("Call or text 988", "country"),
        ("Text HOME to 741741", "country"),
        ("Call 911 if you are in immediate danger", "country"),
    ]


def test_the_operators_file_comes_first_for_its_subdivision(make_app, session, security, tmp_path):
    path = tmp_path / "clinic.json"
    path.write_text(json.dumps(valid()))
    app = make_app(CRISIS_RESOURCES_FILE=str(path))
    client = app.test_client()
    body = submit(client, headers_in(client, session, security, "GB-NIR"), phq9=RISK)
    assert [(r["name"], r["scope"]) for r in body["crisis_resources"]] == [
        ("Lifeline", "subdivision"),
        ("Samaritans", "country"),
        ("Emergency services", "country"),
    ]
    assert body["crisis_resources"][0]["languages"] == ["en", "ga"]
    assert body["crisis_resources"][0]["checked_on"] == "2026-11-20"
