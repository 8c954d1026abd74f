"""Languages and currencies over HTTP: a person's locale, their mail and invites, their money."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime, timedelta

import icalendar
import pytest
from sqlalchemy import select

from app.clock import utcnow
from app.identity.models import User
from billing.payments.models import Payment
from tests.billing_helpers import FEE, charging_practice
from tests.delivery_helpers import RecordingMailer, calendar_part, drain, worker_for
from tests.factories import auth_headers, make_client, make_clinic, make_therapist
from tests.scheduling_factories import iso, make_session_type, open_hours

REGISTRATION = {
    "password": "a-long-enough-passphrase",
    "display_name": "Camille",
    "jurisdiction": "CA-QC",
    "timezone": "America/Toronto",
    "age_group": "adults",
}


def test_a_person_chooses_the_language_of_their_messages(client, session):
    registered = client.post(
        "/api/v1/auth/register",
        json=REGISTRATION | {"email": "camille@example.org", "locale": "fr-CA"},
    )
    assert registered.status_code == 201, registered.get_json()
    headers = {"Authorization": f"Bearer {registered.get_json()['access_token']}"}
    me = client.get("/api/v1/me", headers=headers).get_json()
    assert me["user"]["locale"] == "fr_CA"
    assert me["client_profile"]["locale"] == "fr_CA"
    changed = client.patch("/api/v1/me", headers=headers, json={"locale": "es"})
    assert changed.status_code == 200, changed.get_json()
    assert session.scalar(select(User.locale).where(User.email == "camille@example.org")) == "es"
    for garbage in ("klingon", "zz_ZZ", "", "e", "fr_CA\x00", 42):
        refused = client.patch("/api/v1/me", headers=headers, json={"locale": garbage})
        assert refused.status_code == 422, garbage
    unknown = client.post(
        "/api/v1/auth/register",
        json=REGISTRATION | {"email": "other@example.org", "locale": "xx-notreal"},
    )
    assert unknown.status_code == 422


FRENCH_MONTHS = [
    "janvier",
    "février",
    "mars",
    "avril",
    "mai",
    "juin",
    "juillet",
    "août",
    "septembre",
    "octobre",
    "novembre",
    "décembre",
]


def _in_french_toronto(instant: datetime) -> str:
    """By hand: Toronto keeps UTC-4 from 02:00 on the second Sunday of March to 02:00 on the
    first Sunday of November, UTC-5 otherwise (a Wednesday 15:00 UTC is far from either)."""
    day = instant.date()
    march = date(day.year, 3, 1) + timedelta(days=(6 - date(day.year, 3, 1).weekday()) % 7 + 7)
    november = date(day.year, 11, 1) + timedelta(days=(6 - date(day.year, 11, 1).weekday()) % 7)
    summer = march <= day < november
    hour = instant.hour - (4 if summer else 5)
    zone = "heure avancée de l\u2019Est" if summer else "heure normale de l\u2019Est"
    return f"mercredi {day.day} {FRENCH_MONTHS[day.month - 1]} {day.year}, {hour} h 00 ({zone})"


def _next_wednesday_15_utc() -> datetime:
    day = utcnow().date() + timedelta(days=3)
    day += timedelta(days=(2 - day.weekday()) % 7)
    return datetime(day.year, day.month, day.day, 15, tzinfo=UTC)


def test_a_quebec_client_gets_her_invite_in_french_and_her_therapist_in_english(
    client, app, session, session_factory, security
):
    therapist = make_therapist(session, security, make_clinic(session), timezone="America/Toronto")
    open_hours(session, therapist)
    session_type = make_session_type(session, therapist)
    camille = make_client(session, security, jurisdiction="US-CA", timezone="America/Toronto")
    camille.user.locale = "fr_CA"
    session.commit()
    start = _next_wednesday_15_utc()
    headers = auth_headers(client, camille.user)
    booked = client.post(
        "/api/v1/appointments",
        headers=headers,
        json={
            "therapist_id": str(therapist.id),
            "session_type_id": str(session_type.id),
            "start": iso(start),
        },
    )
    assert booked.status_code == 201, booked.get_json()
    mailer = RecordingMailer()
    drain(worker_for(app, session_factory, mailer))

    (french,) = [m for m in mailer.to(camille.user.email) if m["Subject"].startswith("Rendez")]
    assert french["Subject"] == f"Rendez-vous confirmé : {_in_french_toronto(start)}"
    _, calendar = calendar_part(french)
    event = calendar.walk("VEVENT")[0]
    assert str(event["SUMMARY"]).startswith("Rendez-vous")
    assert str(event["DESCRIPTION"]).startswith("Rejoignez votre rendez-vous depuis cette page : ")
    assert str(event.walk("VALARM")[0]["DESCRIPTION"]) == "Rappel de rendez-vous"
    assert "Votre rendez-vous avec" in french.get_body(preferencelist=("plain",)).get_content()

    (english,) = [
        m for m in mailer.to(therapist.user.email) if m["Subject"].startswith("Appointment")
    ]
    assert english["Subject"].startswith("Appointment confirmed: Wednesday, ")
    assert str(calendar_part(english)[1].walk("VEVENT")[0]["SUMMARY"]).startswith("Appointment")

    downloaded = client.get(
        f"/api/v1/appointments/{booked.get_json()['id']}/invite.ics", headers=headers
    )
    event = icalendar.Calendar.from_ical(downloaded.data).walk("VEVENT")[0]
    assert str(event["DESCRIPTION"]).startswith("Rejoignez votre rendez-vous")


@pytest.mark.parametrize(
    ("currency", "locale", "shown"),
    [("CAD", "fr_CA", "150,00\xa0$"), ("JPY", "en", "¥15,000"), ("GBP", "en_GB", "£150.00")],
)
def test_a_clinic_bills_in_its_own_currency_and_the_receipt_speaks_the_clients_language(
    session, security, make_app, stripe, currency, locale, shown
):
    practice = charging_practice(session, security, make_app, stripe, currency=currency)
    practice.client.user.locale = locale
    session.commit()
    held = practice.book(_next_wednesday_15_utc())
    assert held.status_code == 201, held.get_json()
    payment = practice.pay_hold(held.get_json()["id"])
    assert (payment["amount_captured"], payment["currency"]) == (FEE, currency)
    intent = practice.fake.object(session.get(Payment, uuid.UUID(payment["id"])).intent_id)
    assert (intent["amount"], intent["currency"]) == (FEE, currency.lower())
    practice.run_worker()
    receipts = [
        m
        for m in practice.mailer.to(practice.client.user.email)
        if not any(part.get_content_type() == "text/calendar" for part in m.walk())
    ]
    assert len(receipts) == 1, [m["Subject"] for m in receipts]
    assert shown in receipts[0].get_content()


def test_a_therapist_chooses_the_language_of_their_invites(
    client, app, session, session_factory, security
):
    therapist = make_therapist(session, security, make_clinic(session))
    open_hours(session, therapist)
    session_type = make_session_type(session, therapist)
    own = auth_headers(client, therapist.user)
    changed = client.patch(f"/api/v1/therapists/{therapist.id}", headers=own, json={"locale": "es"})
    assert changed.status_code == 200, changed.get_json()
    assert (
        client.patch(
            f"/api/v1/therapists/{therapist.id}", headers=own, json={"locale": "nope"}
        ).status_code
        == 422
    )
    patient = make_client(session, security)
    booked = client.post(
        "/api/v1/appointments",
        headers=auth_headers(client, patient.user),
        json={
            "therapist_id": str(therapist.id),
            "session_type_id": str(session_type.id),
            "start": iso(_next_wednesday_15_utc()),
        },
    )
    assert booked.status_code == 201, booked.get_json()
    mailer = RecordingMailer()
    drain(worker_for(app, session_factory, mailer))
    (spanish,) = mailer.to(therapist.user.email)
    assert spanish["Subject"].startswith("Cita confirmada: miércoles, ")
    (english,) = mailer.to(patient.user.email)
    assert english["Subject"].startswith("Appointment confirmed: Wednesday, ")
