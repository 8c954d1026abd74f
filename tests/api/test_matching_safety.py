"""Risk signals beyond PHQ-9 item 9: a suicidal-thoughts concern, and words in the free text."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from app.outbox.models import OutboxMessage
from tests.api.test_matching import submit
from tests.factories import auth_headers, make_client

ZERO_ITEM_9 = [1, 1, 1, 1, 1, 0, 0, 0, 0]


@pytest.fixture
def headers(client, session, security):
    patient = make_client(session, security, jurisdiction="US-CA", age_group="adults")
    return auth_headers(client, patient.user)


def crisis_alerts(session):
    return session.scalars(
        select(OutboxMessage).where(OutboxMessage.topic == "alert.crisis_intake")
    ).all()


@pytest.mark.parametrize(
    "changes",
    [
        {"concerns": ["suicidal_thoughts"], "free_text": None},
        {"concerns": ["anxiety", "suicidal_thoughts"], "free_text": "Work is hard."},
        {"concerns": ["depression"], "free_text": "Some nights I think about ending my life."},
        {"concerns": ["stress"], "free_text": "I don't want to live anymore"},
        {"concerns": ["grief"], "free_text": "Since she died I WANT TO DIE too."},
    ],
)
def test_risk_outside_item_9_shows_crisis_resources_and_alerts(client, session, headers, changes):
    body = submit(client, headers, phq9=ZERO_ITEM_9, reports_risk=False, **changes)
    assert body["high_risk"] is True
    assert any("988" in r["contact"] for r in body["crisis_resources"])
    assert [a.payload["intake_id"] for a in crisis_alerts(session)] == [body["id"]]


@pytest.mark.parametrize(
    "free_text",
    [
        "This commute is killing me and I could kill for a full night's sleep.",
        "I'm dying to feel rested; dead tired every evening.",
        "I want to take my life back from anxiety and cut myself some slack.",
        None,
    ],
)
def test_everyday_words_are_not_risk_signals(client, session, headers, free_text):
    body = submit(client, headers, phq9=ZERO_ITEM_9, concerns=["stress"], free_text=free_text)
    assert body["high_risk"] is False
    assert body["crisis_resources"] is None
    assert crisis_alerts(session) == []
