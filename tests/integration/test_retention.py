"""`flask privacy retention`: each category deleted exactly past its period, each on its own."""

from __future__ import annotations

import uuid
from datetime import timedelta

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import sessionmaker

from app.audit import AuditEvent
from app.clock import utcnow
from app.factory import create_app
from app.identity.models import AuthSession, EmailToken, EmailTokenPurpose, RefreshToken
from app.mail.delivery import queue_email
from app.outbox.models import OutboxMessage, OutboxStatus
from app.privacy_rights import retention
from app.privacy_rights.retention import RetentionPeriods, apply_retention
from app.webhooks.models import DeliveryStatus, WebhookDelivery, WebhookEndpoint
from tests.conftest import app_config_for_tests
from tests.factories import make_client, make_clinic

PERIODS = RetentionPeriods(
    mail=timedelta(days=30), sessions=timedelta(days=90), audit=timedelta(days=6 * 366)
)
SECOND = timedelta(seconds=1)


@pytest.fixture
def aged(committed, security):
    """Records one second on either side of each period, relative to a fixed `now`."""
    now = utcnow().replace(microsecond=0)
    user = make_client(committed, security).user
    for n, age in enumerate((PERIODS.mail + SECOND, PERIODS.mail - SECOND)):
        mail = queue_email(
            session=committed, to="a@example.org", subject="S", text="T", dedupe_key=f"m{n}"
        )
        mail.status, mail.created_at = OutboxStatus.SENT, now - age
    waiting = queue_email(
        session=committed, to="b@example.org", subject="S", text="T", dedupe_key="w"
    )
    waiting.created_at = now - timedelta(days=400)  # never sent: kept whatever its age
    endpoint = WebhookEndpoint(
        clinic_id=make_clinic(committed).id,
        url="https://hooks.example.org/in",
        event_types=["*"],
        secret_encrypted=b"x",
        enabled=True,
        created_at=now,
        updated_at=now,
    )
    committed.add(endpoint)
    committed.flush()
    for status, age in (
        (DeliveryStatus.SUCCEEDED, PERIODS.mail + SECOND),  # deleted
        (DeliveryStatus.DEAD, PERIODS.mail + SECOND),  # deleted
        (DeliveryStatus.SUCCEEDED, PERIODS.mail - SECOND),  # kept
        (DeliveryStatus.FAILED, timedelta(days=400)),  # still being retried: kept
    ):
        committed.add(
            WebhookDelivery(
                endpoint_id=endpoint.id,
                event_id=uuid.uuid4(),
                event_type="ping",
                payload={},
                status=status,
                attempts=1,
                created_at=now - age,
            )
        )
    for n, age in enumerate((PERIODS.sessions + SECOND, PERIODS.sessions - SECOND)):
        login = AuthSession(
            user=user, created_at=now - age, last_refreshed_at=now - age, revoked_at=now - age
        )
        committed.add(login)
        committed.flush()
        committed.add(
            RefreshToken(
                session_id=login.id,
                token_hash=uuid.uuid4().hex,
                issued_at=now - age,
                expires_at=now - age,
            )
        )
        committed.add(
            EmailToken(
                user_id=user.id,
                purpose=EmailTokenPurpose.VERIFY_EMAIL,
                token_hash=uuid.uuid4().hex,
                email=user.email,
                created_at=now - age,
                expires_at=now - age + timedelta(hours=1),
                used_at=None if n else now - age,
            )
        )
    live = AuthSession(user=user, created_at=now - timedelta(days=400), last_refreshed_at=now)
    committed.add(live)
    for age in (PERIODS.audit + SECOND, PERIODS.audit - SECOND):
        committed.add(
            AuditEvent(
                at=now - age, action="read", resource_type="intake", resource_id=uuid.uuid4()
            )
        )
    committed.commit()
    return now


def counts(committed) -> dict[str, int]:
    committed.rollback()
    return {
        model.__tablename__: committed.scalar(select(func.count()).select_from(model))
        for model in (
            OutboxMessage,
            AuthSession,
            RefreshToken,
            EmailToken,
            AuditEvent,
            WebhookDelivery,
        )
    }


def test_each_category_goes_exactly_past_its_period(committed, engine, aged):
    sessions = sessionmaker(bind=engine)
    before = counts(committed)
    dry = apply_retention(sessions, PERIODS, aged, dry_run=True)
    assert counts(committed) == before  # a dry run deletes nothing
    assert dry == {
        "sent mail": 1,
        "webhook deliveries": 2,
        "ended logins": 1,
        "emailed links": 1,
        "second-factor challenges": 0,
        "sign-in counters": 0,
        "idempotency keys": 0,
        "audit events": 1,
    }
    assert apply_retention(sessions, PERIODS, aged, dry_run=False) == dry
    after = counts(committed)
    assert {name: before[name] - after[name] for name in before} == {
        "outbox_messages": 1,
        "auth_sessions": 1,
        "refresh_tokens": 1,
        "email_tokens": 1,
        "audit_events": 1,
        "webhook_deliveries": 2,
    }
    assert apply_retention(sessions, PERIODS, aged, dry_run=False) == dict.fromkeys(dry, 0)


def test_a_failing_category_does_not_stop_the_others(committed, engine, aged, monkeypatch):
    real = retention.categories

    def with_a_broken_one(periods, now):
        def broken():
            raise RuntimeError("disk full")

        return {"broken": [broken], **real(periods, now)}

    monkeypatch.setattr(retention, "categories", with_a_broken_one)
    results = apply_retention(sessionmaker(bind=engine), PERIODS, aged, dry_run=False)
    assert isinstance(results.pop("broken"), RuntimeError)
    assert results["audit events"] == 1
    assert results["sent mail"] == 1


def test_the_command_reports_and_fails_when_a_category_fails(
    committed, aged, database_url, tmp_path, monkeypatch
):
    app = create_app(app_config_for_tests(database_url, tmp_path))
    monkeypatch.setattr("app.cli.utcnow", lambda: aged)  # a slow start must not age the rows
    dry = app.test_cli_runner().invoke(args=["privacy", "retention", "--dry-run"])
    assert dry.exit_code == 0
    assert "audit events: would delete 1" in dry.output  # the defaults match PERIODS
    monkeypatch.setattr(retention, "categories", lambda periods, now: {"broken": [lambda: 1 / 0]})
    failed = app.test_cli_runner().invoke(args=["privacy", "retention"])
    assert failed.exit_code == 1
    assert "broken: FAILED (ZeroDivisionError)" in failed.output
