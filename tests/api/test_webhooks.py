"""Clinics' webhooks end to end: a real receiver on loopback checks every signature."""

from __future__ import annotations

import json
import threading
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest

from app.clock import utcnow
from app.identity.models import Role
from app.webhooks.models import WebhookEndpoint
from app.webhooks.signing import verify_signature
from tests.delivery_helpers import RecordingMailer, drain, worker_for
from tests.factories import auth_headers, make_client, make_clinic, make_therapist, make_user
from tests.scheduling_factories import future_hour, iso, make_session_type, open_hours

CLINICAL_WORDS = ("anxiety", "depress", "phq", "gad", "diagnos", "concern", "River Stone")
DATA_KEYS = {
    "appointment_id",
    "kind",
    "status",
    "therapist_id",
    "client_id",
    "session_type_id",
    "series_id",
    "starts_at",
    "ends_at",
    "client_ids",
}


@dataclass
class Receiver:
    """An HTTP server on loopback that records what it gets and answers as told."""

    answers: list[int] = field(default_factory=list)
    hang_seconds: float = 0.0
    got: list[tuple[dict[str, str], bytes]] = field(default_factory=list)
    port: int = 0

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/hooks"

    def events(self, secret: str) -> list[dict[str, Any]]:
        """Every body received, after checking its signature with the secret."""
        for headers, body in self.got:
            assert verify_signature(body, headers["Webhook-Signature"], secret), headers
        return [json.loads(body) for _, body in self.got]


@pytest.fixture
def receivers() -> Iterator[Any]:
    servers: list[ThreadingHTTPServer] = []

    def start(**options: Any) -> Receiver:
        receiver = Receiver(**options)

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers["Content-Length"]))
                receiver.got.append((dict(self.headers), body))
                time.sleep(receiver.hang_seconds)
                status = receiver.answers.pop(0) if receiver.answers else 200
                self.send_response(status)
                if 300 <= status < 400:  # a redirect elsewhere, which must not be followed
                    self.send_header("Location", f"http://127.0.0.1:{receiver.port}/elsewhere")
                self.end_headers()
                self.wfile.write(b"thanks" if status < 300 else b"not now")

            def log_message(self, *args: Any) -> None:
                pass

        server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        receiver.port = server.server_address[1]
        threading.Thread(target=server.serve_forever, daemon=True).start()
        servers.append(server)
        return receiver

    yield start
    for server in servers:
        server.shutdown()


@pytest.fixture
def practice(make_app, session, security, session_factory):
    app = make_app(
        WEBHOOK_ALLOWED_NETWORKS=["127.0.0.1/32"],
        WEBHOOK_TIMEOUT_SECONDS=1,
        WEBHOOK_MAX_ATTEMPTS=3,
        WEBHOOK_RETRY_BASE_SECONDS=60,
    )
    http = app.test_client()
    clinic = make_clinic(session)
    therapist = make_therapist(session, security, clinic)
    open_hours(session, therapist, start_hour=0, end_hour=24)
    session_type = make_session_type(session, therapist)
    patient = make_client(session, security, display_name="River Stone")
    admin = make_user(session, security, Role.ADMIN, clinic=clinic)
    session.commit()
    worker = worker_for(app, session_factory, RecordingMailer())
    return {
        "app": app,
        "http": http,
        "clinic": clinic,
        "therapist": therapist,
        "session_type": session_type,
        "client": auth_headers(http, patient.user),
        "admin": auth_headers(http, admin),
        "worker": worker,
    }


def register(practice, url: str, types: list[str]) -> dict[str, Any]:
    created = practice["http"].post(
        f"/api/v1/clinics/{practice['clinic'].id}/webhook-endpoints",
        headers=practice["admin"],
        json={"url": url, "event_types": types, "description": "Our EHR"},
    )
    assert created.status_code == 201, created.get_json()
    return created.get_json()


def book(practice) -> dict[str, Any]:
    booked = practice["http"].post(
        "/api/v1/appointments",
        headers=practice["client"],
        json={
            "therapist_id": str(practice["therapist"].id),
            "session_type_id": str(practice["session_type"].id),
            "start": iso(future_hour(days=2)),
        },
    )
    assert booked.status_code == 201, booked.get_json()
    return booked.get_json()


def deliveries(practice, endpoint_id: str) -> list[dict[str, Any]]:
    listed = practice["http"].get(
        f"/api/v1/clinics/{practice['clinic'].id}/webhook-endpoints/{endpoint_id}/deliveries",
        headers=practice["admin"],
    )
    assert listed.status_code == 200, listed.get_json()
    return listed.get_json()["items"]


def test_booked_and_cancelled_reach_the_receiver_signed_and_without_clinical_content(
    practice, receivers
):
    receiver = receivers()
    created = register(practice, receiver.url, ["appointment.booked", "appointment.cancelled"])
    assert created["secret"].startswith("whsec_")
    endpoint_id = created["endpoint"]["id"]
    assert (
        practice["http"]
        .get(
            f"/api/v1/clinics/{practice['clinic'].id}/webhook-endpoints/{endpoint_id}",
            headers=practice["admin"],
        )
        .get_json()
        == created["endpoint"]
    )
    booked = book(practice)
    cancelled = practice["http"].post(
        f"/api/v1/appointments/{booked['id']}/cancel", headers=practice["client"], json={}
    )
    assert cancelled.status_code == 200
    drain(practice["worker"])
    events = receiver.events(created["secret"])
    assert [e["type"] for e in events] == ["appointment.booked", "appointment.cancelled"]
    for event in events:
        assert event["id"].startswith("evt_")
        assert event["clinic_id"] == str(practice["clinic"].id)
        assert event["created"].endswith("Z")
        assert set(event["data"]) == DATA_KEYS
        assert event["data"]["appointment_id"] == booked["id"]
        assert event["data"]["starts_at"] == booked["starts_at"]
        text = json.dumps(event).lower()
        assert not [word for word in CLINICAL_WORDS if word.lower() in text]
    assert events[1]["data"]["status"] == "cancelled"
    headers = receiver.got[0][0]
    assert headers["Webhook-Id"] == events[0]["id"]
    assert headers["Content-Type"] == "application/json"
    log = deliveries(practice, endpoint_id)
    assert [d["status"] for d in log] == ["succeeded", "succeeded"]
    assert {d["event_id"] for d in log} == {e["id"] for e in events}


def test_a_failing_receiver_is_retried_with_backoff_then_dead_and_can_be_replayed(
    practice, receivers
):
    receiver = receivers(answers=[500, 503, 500])
    created = register(practice, receiver.url, ["*"])
    endpoint_id = created["endpoint"]["id"]
    book(practice)
    before = utcnow()
    drain(practice["worker"])
    (first,) = deliveries(practice, endpoint_id)
    assert (first["status"], first["attempts"], first["last_status_code"]) == ("failed", 1, 500)
    assert "not now" in first["last_error"]
    waited = first["next_attempt_at"]
    assert iso(before + timedelta(seconds=59)) <= waited <= iso(utcnow() + timedelta(seconds=61))
    practice["worker"].run_once(now=utcnow() + timedelta(minutes=1, seconds=1))
    (second,) = deliveries(practice, endpoint_id)
    assert (second["status"], second["attempts"], second["last_status_code"]) == ("failed", 2, 503)
    practice["worker"].run_once(now=utcnow() + timedelta(minutes=5))  # 2 minutes after the 2nd
    (dead,) = deliveries(practice, endpoint_id)
    assert (dead["status"], dead["attempts"], dead["next_attempt_at"]) == ("dead", 3, None)
    replayed = practice["http"].post(
        f"/api/v1/clinics/{practice['clinic'].id}/webhook-deliveries/{dead['id']}/replay",
        headers=practice["admin"],
    )
    assert replayed.status_code == 202
    drain(practice["worker"])
    log = deliveries(practice, endpoint_id)
    assert [d["status"] for d in log] == ["succeeded", "dead"]
    events = receiver.events(created["secret"])
    assert len(events) == 4
    assert len({e["id"] for e in events}) == 1  # the same event each time: receivers dedupe


def test_a_hanging_or_refused_endpoint_fails_alone(practice, receivers, make_app):
    hanging = receivers(hang_seconds=3)
    good = receivers()
    slow = register(practice, hanging.url, ["appointment.booked"])
    fine = register(practice, good.url, ["appointment.booked"])
    metadata = register(practice, "http://169.254.169.254/latest/meta-data", ["*"])
    book(practice)
    drain(practice["worker"])
    assert [e["type"] for e in good.events(fine["secret"])] == ["appointment.booked"]
    (timed_out,) = deliveries(practice, slow["endpoint"]["id"])
    assert timed_out["status"] == "failed"
    assert "took longer than 1 s" in timed_out["last_error"]
    (refused,) = deliveries(practice, metadata["endpoint"]["id"])
    assert refused["status"] == "failed"
    assert "not a public address" in refused["last_error"]


def test_loopback_is_refused_unless_configured(practice, receivers, make_app, session_factory):
    strict = make_app()  # no WEBHOOK_ALLOWED_NETWORKS
    receiver = receivers()
    created = register(practice, receiver.url, ["appointment.booked"])
    book(practice)
    drain(worker_for(strict, session_factory, RecordingMailer()))
    assert receiver.got == []
    (refused,) = deliveries(practice, created["endpoint"]["id"])
    assert "127.0.0.1 is not a public address" in refused["last_error"]


def test_a_rotated_secret_signs_from_then_on(practice, receivers):
    receiver = receivers()
    created = register(practice, receiver.url, ["ping"])
    base = f"/api/v1/clinics/{practice['clinic'].id}/webhook-endpoints/{created['endpoint']['id']}"
    rotated = practice["http"].post(f"{base}/rotate-secret", headers=practice["admin"])
    assert rotated.status_code == 200
    new_secret = rotated.get_json()["secret"]
    assert new_secret != created["secret"]
    pinged = practice["http"].post(f"{base}/test", headers=practice["admin"])
    assert pinged.status_code == 202
    assert pinged.get_json()["event_type"] == "ping"
    drain(practice["worker"])
    headers, body = receiver.got[0]
    assert verify_signature(body, headers["Webhook-Signature"], new_secret)
    assert not verify_signature(body, headers["Webhook-Signature"], created["secret"])


def test_only_the_clinics_admins_see_its_endpoints(practice, client, session, security):
    created = register(practice, "https://hooks.example.org/in", ["*"])
    base = f"/api/v1/clinics/{practice['clinic'].id}/webhook-endpoints"
    other_clinic = make_clinic(session)
    stranger = make_user(session, security, Role.ADMIN, clinic=other_clinic)
    session.commit()
    http = practice["http"]
    stranger_headers = auth_headers(http, stranger)
    assert http.get(base, headers=stranger_headers).status_code == 404
    assert (
        http.get(f"{base}/{created['endpoint']['id']}", headers=stranger_headers).status_code == 404
    )
    theirs = f"/api/v1/clinics/{other_clinic.id}/webhook-endpoints/{created['endpoint']['id']}"
    assert http.get(theirs, headers=stranger_headers).status_code == 404
    assert http.get(base, headers=practice["client"]).status_code == 403
    listed = http.get(base, headers=practice["admin"]).get_json()
    assert (listed["total"], listed["items"][0]["id"]) == (1, created["endpoint"]["id"])
    assert "secret" not in json.dumps(listed)


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"url": "ftp://hooks.example.org", "event_types": ["*"]}, "url"),
        ({"url": "https://user:pw@hooks.example.org", "event_types": ["*"]}, "url"),
        (
            {"url": "https://hooks.example.org", "event_types": ["appointment.exploded"]},
            "event_types",
        ),
        ({"url": "https://hooks.example.org", "event_types": []}, "event_types"),
        ({"url": "https://hooks.example.org", "event_types": ["*"], "secret": "mine"}, "secret"),
    ],
)
def test_bad_registrations_are_422_and_write_nothing(practice, body, field):
    base = f"/api/v1/clinics/{practice['clinic'].id}/webhook-endpoints"
    refused = practice["http"].post(base, headers=practice["admin"], json=body)
    assert refused.status_code == 422
    assert field in json.dumps(refused.get_json()["errors"])
    assert practice["http"].get(base, headers=practice["admin"]).get_json()["total"] == 0


def test_a_disabled_endpoint_gets_nothing(practice, receivers):
    receiver = receivers()
    created = register(practice, receiver.url, ["*"])
    url = f"/api/v1/clinics/{practice['clinic'].id}/webhook-endpoints/{created['endpoint']['id']}"
    patched = practice["http"].patch(url, headers=practice["admin"], json={"enabled": False})
    assert (patched.status_code, patched.get_json()["enabled"]) == (200, False)
    book(practice)
    drain(practice["worker"])
    assert receiver.got == []
    assert practice["http"].delete(url, headers=practice["admin"]).status_code == 204
    assert practice["http"].get(url, headers=practice["admin"]).status_code == 404


def test_an_unreadable_secret_fails_that_delivery_alone(practice, receivers, session):
    broken, good = receivers(), receivers()
    bad = register(practice, broken.url, ["appointment.booked"])
    fine = register(practice, good.url, ["appointment.booked"])
    endpoint = session.get(WebhookEndpoint, uuid.UUID(bad["endpoint"]["id"]))
    endpoint.secret_encrypted = b"not a fernet token"
    session.commit()
    book(practice)
    drain(practice["worker"])
    assert [e["type"] for e in good.events(fine["secret"])] == ["appointment.booked"]
    assert broken.got == []
    (failed,) = deliveries(practice, bad["endpoint"]["id"])
    assert (failed["status"], failed["attempts"]) == ("failed", 1)
    assert failed["last_error"]


def test_a_redirect_is_a_failed_attempt_and_is_not_followed(practice, receivers):
    receiver = receivers(answers=[302])
    created = register(practice, receiver.url, ["appointment.booked"])
    book(practice)
    drain(practice["worker"])
    assert [headers.get("Host") for headers, _ in receiver.got] == [f"127.0.0.1:{receiver.port}"]
    assert len(receiver.got) == 1  # /elsewhere was never asked for
    (failed,) = deliveries(practice, created["endpoint"]["id"])
    assert (failed["status"], failed["last_status_code"]) == ("failed", 302)
