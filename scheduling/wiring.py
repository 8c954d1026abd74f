"""Build the delivery adapters (mailer, video, messages, worker) from configuration. Flask-free."""

from __future__ import annotations

from datetime import timedelta
from functools import partial
from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session, sessionmaker

from app.identity.tokens import derive_key
from scheduling.fetching import FetchPolicy, fetch
from scheduling.mail import FileMailer, Mailer, SmtpMailer, SmtpSettings
from scheduling.messages import MessageSettings
from scheduling.video import DevelopmentVideoProvider, JitsiProvider, VideoProvider
from scheduling.worker import Worker, WorkerSettings


def mailer_from(config: dict[str, Any]) -> Mailer:
    """SMTP when SMTP_HOST is set, otherwise .eml files under instance/mail."""
    if config["SMTP_HOST"]:
        return SmtpMailer(
            SmtpSettings(
                host=config["SMTP_HOST"],
                port=config["SMTP_PORT"],
                security=config["SMTP_SECURITY"],
                username=config["SMTP_USERNAME"],
                password=config["SMTP_PASSWORD"],
                timeout=config["SMTP_TIMEOUT_SECONDS"],
            )
        )
    return FileMailer(Path(config["INSTANCE_PATH"]) / "mail")


def video_from(config: dict[str, Any]) -> VideoProvider:
    """Jitsi when JITSI_DOMAIN is set, otherwise a local development provider."""
    if config["JITSI_DOMAIN"]:
        if not (config["JITSI_APP_ID"] and config["JITSI_SECRET"]):
            raise ValueError("JITSI_DOMAIN needs JITSI_APP_ID and JITSI_SECRET")
        return JitsiProvider(
            domain=config["JITSI_DOMAIN"],
            app_id=config["JITSI_APP_ID"],
            secret=config["JITSI_SECRET"],
        )
    secret = derive_key(config["SECRET_KEY"], "development-video").hex()
    return DevelopmentVideoProvider(base_url=config["PUBLIC_APP_URL"], secret=secret)


def messages_from(config: dict[str, Any]) -> MessageSettings:
    """What emails and invites need."""
    return MessageSettings(
        app_url=config["PUBLIC_APP_URL"],
        sender=config["MAIL_FROM"],
        reminder_offsets=tuple(config["REMINDER_OFFSETS_MINUTES"]),
    )


def fetch_policy_from(config: dict[str, Any]) -> FetchPolicy:
    """Limits for fetching external calendars."""
    return FetchPolicy(
        max_bytes=config["EXTERNAL_CALENDAR_MAX_BYTES"],
        timeout=config["EXTERNAL_CALENDAR_TIMEOUT_SECONDS"],
        allowed_networks=tuple(config["EXTERNAL_CALENDAR_ALLOWED_NETWORKS"]),
    )


def worker_from(
    config: dict[str, Any], sessions: sessionmaker[Session], mailer: Mailer | None = None
) -> Worker:
    """A worker configured like the app."""
    settings = WorkerSettings(
        max_attempts=config["OUTBOX_MAX_ATTEMPTS"],
        retry_base=timedelta(seconds=config["OUTBOX_RETRY_BASE_SECONDS"]),
        lease=timedelta(seconds=config["OUTBOX_LEASE_SECONDS"]),
        message_id_domain=config["MAIL_MESSAGE_ID_DOMAIN"],
        calendar_refresh=timedelta(minutes=config["EXTERNAL_CALENDAR_REFRESH_MINUTES"]),
    )
    return Worker(
        sessions,
        mailer or mailer_from(config),
        messages_from(config),
        settings,
        fetch_calendar=partial(fetch, policy=fetch_policy_from(config)),
    )
