"""Crisis alerts: raised with a high-risk intake, acknowledged by the clinic, escalated if not."""

from __future__ import annotations

import uuid
from datetime import timedelta

import pytest
from sqlalchemy import select

from app.clock import utcnow
from app.identity.models import Role
from app.mail.delivery import EMAIL
from app.outbox.models import OutboxMessage
from app.privacy import clinical_words_in
from app.web.extensions import Database
from matching.crisis_alerts.escalation import Escalation
from matching.crisis_alerts.models import CrisisAlert
from tests.api.test_matching import intake_body
from tests.delivery_helpers import rendered
from tests.factories import auth_headers, make_client, make_clinic, make_therapist, make_user

RISKY = [1, 1, 1, 1, 1, 0, 0, 0, 1]  # item 9 answered: a crisis signal


@pytest.fixture
def clinic_people(client, session, security):
    clinic = make_clinic(session)
    therapist = make_therapist(session, security, clinic)  # licensed in CA
    admins = [make_user(session, security, Role.ADMIN, clinic=clinic) for _ in range(2)]
    person = make_client(session, security)
    return {
        "clinic": clinic,
        "therapist": auth_headers(client, therapist.user),
        "therapist_user": therapist.user,
        "admins": admins,
        "admin": auth_headers(client, admins[0]),
        "client": auth_headers(client, person.user),
    }


def submit(client, headers, phq9):
    response = client.post("/api/v1/intakes", headers=headers, json=intake_body(phq9=phq9))
    assert response.status_code == 201
    return response.get_json()


def alerts(client, people, state="open", headers=None):
    response = client.get(
        f"/api/v1/clinics/{people['clinic'].id}/crisis-alerts",
        headers=headers or people["admin"],
        query_string={"state": state},
    )
    assert response.status_code == 200, response.get_json()
    return response.get_json()


def test_a_high_risk_intake_raises_one_alert_per_clinic_and_a_calm_one_none(
    client, session, clinic_people
):
    submit(client, clinic_people["client"], [0] * 9)
    assert alerts(client, clinic_people) == {"items": [], "total": 0, "page": 1, "page_size": 50}
    intake = submit(client, clinic_people["client"], RISKY)
    listed = alerts(client, clinic_people)
    assert listed["total"] == 1
    assert listed["items"][0]["intake_id"] == intake["id"]
    assert listed["items"][0]["acknowledged_at"] is None
    assert alerts(client, clinic_people, headers=clinic_people["therapist"])["total"] == 1
    assert "free_text" not in str(listed)
    assert "Panic" not in str(listed)


def test_acknowledging_records_who_and_when_and_keeps_the_first(client, session, clinic_people):
    submit(client, clinic_people["client"], RISKY)
    alert_id = alerts(client, clinic_people)["items"][0]["id"]
    first = client.post(
        f"/api/v1/crisis-alerts/{alert_id}/acknowledge",
        headers=clinic_people["therapist"],
        json={"note": "Called the client"},
    )
    assert first.status_code == 200
    body = first.get_json()
    assert body["acknowledged_by_id"] == str(clinic_people["therapist_user"].id)
    assert body["note"] == "Called the client"
    again = client.post(
        f"/api/v1/crisis-alerts/{alert_id}/acknowledge", headers=clinic_people["admin"], json={}
    )
    assert again.get_json()["acknowledged_at"] == body["acknowledged_at"]
    assert again.get_json()["acknowledged_by_id"] == body["acknowledged_by_id"]
    assert alerts(client, clinic_people)["total"] == 0
    assert alerts(client, clinic_people, state="acknowledged")["total"] == 1


def test_another_clinic_sees_no_alert_and_cannot_acknowledge(
    client, session, security, clinic_people
):
    submit(client, clinic_people["client"], RISKY)
    alert_id = alerts(client, clinic_people)["items"][0]["id"]
    stranger = auth_headers(
        client, make_user(session, security, Role.ADMIN, clinic=make_clinic(session))
    )
    listed = client.get(
        f"/api/v1/clinics/{clinic_people['clinic'].id}/crisis-alerts", headers=stranger
    )
    assert listed.status_code == 404
    for target in (alert_id, str(uuid.uuid4())):
        refused = client.post(
            f"/api/v1/crisis-alerts/{target}/acknowledge", headers=stranger, json={}
        )
        assert refused.status_code == 404
    assert (
        client.post(
            f"/api/v1/crisis-alerts/{alert_id}/acknowledge",
            headers=clinic_people["client"],
            json={},
        ).status_code
        == 403
    )


def escalation_mail(session):
    mails = [
        rendered(m.payload)
        for m in session.scalars(select(OutboxMessage).where(OutboxMessage.topic == EMAIL))
    ]
    return [m for m in mails if m["subject"].startswith("Still waiting")]


def test_an_unacknowledged_alert_is_escalated_after_its_time_once_per_interval(
    app, client, session, clinic_people
):
    submit(client, clinic_people["client"], RISKY)
    alert = session.scalars(select(CrisisAlert)).one()
    escalate = Escalation(after=timedelta(minutes=30), app_url="https://app.example")
    sessions = Database.state(app).sessionmaker
    alert.raised_at = utcnow() - timedelta(minutes=29, seconds=50)
    session.commit()
    assert escalate(sessions) == 0
    alert.raised_at = utcnow() - timedelta(minutes=30, seconds=10)
    session.commit()
    assert escalate(sessions) == 1
    assert escalate(sessions) == 0  # escalated a moment ago: the next one is 30 minutes away
    sent = escalation_mail(session)
    assert sorted(m["to"] for m in sent) == sorted(a.email for a in clinic_people["admins"])
    for message in sent:
        assert clinical_words_in(message["subject"] + message["text"]) == []
        assert "raised 30 minutes ago" in message["text"]
    session.refresh(alert)
    assert alert.escalations == 1
    client.post(
        f"/api/v1/crisis-alerts/{alert.id}/acknowledge", headers=clinic_people["admin"], json={}
    )
    alert.escalated_at = utcnow() - timedelta(hours=1)
    session.commit()
    assert escalate(sessions) == 0  # acknowledged: nobody is chased any more


def test_a_clinic_without_admins_fails_alone(app, client, session, security, clinic_people):
    submit(client, clinic_people["client"], RISKY)
    lonely = make_clinic(session)
    make_therapist(session, security, lonely)  # licensed in CA too: the next alert reaches both
    other_person = make_client(session, security)
    submit(client, auth_headers(client, other_person.user), RISKY)
    for alert in session.scalars(select(CrisisAlert)):
        alert.raised_at = utcnow() - timedelta(hours=1)
    session.commit()
    escalate = Escalation(after=timedelta(minutes=30), app_url="https://app.example")
    sessions = Database.state(app).sessionmaker
    raised = session.scalars(select(CrisisAlert)).all()
    with_admins = [a for a in raised if a.clinic_id == clinic_people["clinic"].id]
    assert escalate(sessions) == len(with_admins) == 2
    orphan = [a for a in raised if a.clinic_id == lonely.id]
    assert orphan  # the lonely clinic's alert stays open and unescalated, logged
    session.expire_all()
    assert [session.get_one(CrisisAlert, a.id).escalations for a in orphan] == [0] * len(orphan)


def test_the_time_to_acknowledgement_is_reported_per_period(
    client, session, security, clinic_people
):
    for _ in range(5):
        person = make_client(session, security)
        submit(client, auth_headers(client, person.user), RISKY)
    raised = utcnow() - timedelta(days=2)
    rows = session.scalars(select(CrisisAlert).order_by(CrisisAlert.id)).all()
    for alert, minutes in zip(rows, (10, 20, 60, None, None), strict=True):
        alert.raised_at = raised
        if minutes is not None:
            alert.acknowledged_at = raised + timedelta(minutes=minutes)
    rows[3].escalations = 2
    session.commit()
    today = utcnow().date()
    report = client.get(
        f"/api/v1/clinics/{clinic_people['clinic'].id}/reports/crisis_response",
        headers=clinic_people["admin"],
        query_string={
            "from": (today - timedelta(days=6)).isoformat(),
            "to": (today + timedelta(days=1)).isoformat(),
            "granularity": "week",
        },
    ).get_json()
    busy = [row for row in report["rows"] if row["raised"]]
    assert busy == [
        {
            "period": busy[0]["period"],
            "raised": 5,
            "acknowledged": 3,
            "open": 2,
            "escalated": 1,
            "minutes_to_acknowledge_median": 20.0,
            "minutes_to_acknowledge_p90": 52.0,  # 20 + (60 - 20) * 0.8
        }
    ]
