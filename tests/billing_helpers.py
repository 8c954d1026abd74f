"""Helpers for billing tests: an app talking to the local Stripe server, clinics that charge."""

from __future__ import annotations

import json
import re
import time
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import unquote_plus

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy.orm import Session

from app.directory.models import ClientProfile, TherapistProfile
from app.identity.models import Role
from app.outbox.worker import Worker
from app.web.extensions import Database
from billing.pricing.models import BillingPolicy, Collection, SessionFee
from scheduling.session_types.models import SchedulingPolicy, SessionType
from tests.delivery_helpers import RecordingMailer, drain, worker_for
from tests.factories import auth_headers, make_client, make_clinic, make_therapist, make_user
from tests.scheduling_factories import iso, make_session_type, open_hours
from tests.stripe_fake import StripeFake, event_payload, sign_payload

WEBHOOK_SECRET = "whsec_test_secret"
FEE = 15_000

# Words that would tell the processor something about the client's health or the service.
HEALTH_WORDS = re.compile(
    r"therap|counsel|mental|psych|depress|anxi|trauma|diagnos|icd|cpt|grief|suicid|"
    r"individual session|couples|family|phq|gad|\b[a-tv-z]\d\d\.\w",
    re.IGNORECASE,
)
# Ids (ours and Stripe's) are random: they are removed before the scan so that a random
# "gad" inside one is not mistaken for a clinical word.
IDS = re.compile(
    r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}|\b(?:cus|pi|pm|seti|ch|re|evt|acct|src|py)_[A-Za-z0-9_]+"
)


def stripe_config(fake: StripeFake, **overrides: Any) -> dict[str, Any]:
    """App settings that point the real stripe library at the local server."""
    return {
        "STRIPE_SECRET_KEY": fake.api_key,
        "STRIPE_PUBLISHABLE_KEY": "pk_test_local",
        "STRIPE_WEBHOOK_SECRET": WEBHOOK_SECRET,
        "STRIPE_API_BASE": fake.url,
        "STRIPE_TIMEOUT_SECONDS": 2,
        **overrides,
    }


def health_words_sent(fake: StripeFake) -> list[str]:
    """Every request body or query sent to Stripe that names something clinical."""
    found = []
    for request in fake.requests:
        text = IDS.sub(
            " ", f"{request.path} {unquote_plus(request.body)} {json.dumps(request.params)}"
        )
        found += [f"{request.path}: {m.group(0)}" for m in HEALTH_WORDS.finditer(text)]
    return found


@dataclass
class Practice:
    """A clinic that charges, a therapist with open hours, a client, their tokens and a worker."""

    app: Flask
    http: FlaskClient
    fake: StripeFake
    therapist: TherapistProfile
    session_type: SessionType
    client: ClientProfile
    client_headers: dict[str, str]
    therapist_headers: dict[str, str]
    admin_headers: dict[str, str]
    worker: Worker
    mailer: RecordingMailer = field(default_factory=RecordingMailer)

    def book(self, start: Any, *, hold: bool = True, headers: dict[str, str] | None = None) -> Any:
        """POST /appointments for the practice's client."""
        return self.http.post(
            "/api/v1/appointments",
            headers=headers or self.client_headers,
            json={
                "therapist_id": str(self.therapist.id),
                "session_type_id": str(self.session_type.id),
                "start": iso(start),
                "hold": hold,
            },
        )

    def pay_hold(self, appointment_id: str, *, card: str = "pm_card_visa") -> dict[str, Any]:
        """Start paying, let "the frontend" confirm the card at Stripe, then confirm here."""
        checkout = self.http.post(
            f"/api/v1/appointments/{appointment_id}/payment", headers=self.client_headers
        )
        assert checkout.status_code == 200, checkout.get_json()
        body = checkout.get_json()
        intent_id = body["client_secret"].split("_secret_")[0]
        self.fake.succeed_payment_intent(intent_id, payment_method=card)
        confirmed = self.http.post(
            f"/api/v1/billing/payments/{body['payment']['id']}/confirm",
            headers=self.client_headers,
        )
        assert confirmed.status_code == 200, confirmed.get_json()
        return dict(confirmed.get_json())

    def appointment(self, appointment_id: str) -> dict[str, Any]:
        """GET the appointment as the client."""
        return dict(
            self.http.get(
                f"/api/v1/appointments/{appointment_id}", headers=self.client_headers
            ).get_json()
        )

    def run_worker(self) -> None:
        """Deliver everything due (billing work fans out into emails)."""
        drain(self.worker, rounds=10)

    def post_event(
        self, event: dict[str, Any], *, secret: str = WEBHOOK_SECRET, timestamp: int | None = None
    ) -> Any:
        """POST a Stripe event to the webhook, signed exactly as Stripe signs it."""
        payload = event_payload(event)
        header = sign_payload(payload, secret, timestamp or int(time.time()))
        return self.http.post(
            "/api/v1/billing/stripe/webhook",
            data=payload,
            headers={"Stripe-Signature": header, "Content-Type": "application/json"},
        )


def charging_practice(
    session: Session,
    security: Any,
    make_app: Any,
    fake: StripeFake,
    *,
    collection: Collection = Collection.AT_BOOKING,
    currency: str = "USD",
    **policy: Any,
) -> Practice:
    """A clinic that collects by `collection`, with a session of 15000 minor units ($150.00)."""
    clinic = make_clinic(session)
    session.add(
        BillingPolicy(clinic_id=clinic.id, currency=currency, collection=collection, **policy)
    )
    session.add(SchedulingPolicy(clinic_id=clinic.id, cancellation_window_minutes=48 * 60))
    therapist = make_therapist(session, security, clinic, self_pay_rate_cents=FEE)
    open_hours(session, therapist)
    session_type = make_session_type(session, therapist)
    session.add(SessionFee(session_type_id=session_type.id, amount=FEE))
    patient = make_client(session, security)
    admin = make_user(session, security, Role.ADMIN, clinic=clinic)
    session.commit()
    app = make_app(**stripe_config(fake))
    http = app.test_client()
    mailer = RecordingMailer()
    return Practice(
        app=app,
        http=http,
        fake=fake,
        therapist=therapist,
        session_type=session_type,
        client=patient,
        client_headers=auth_headers(http, patient.user),
        therapist_headers=auth_headers(http, therapist.user),
        admin_headers=auth_headers(http, admin),
        worker=worker_for(app, Database.state(app).sessionmaker, mailer),
        mailer=mailer,
    )
