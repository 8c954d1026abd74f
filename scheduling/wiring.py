"""Scheduling's part of building an app: its adapters, outbox handlers and periodic jobs."""

from __future__ import annotations

from datetime import timedelta
from functools import partial
from typing import Any

from app.adapters import Adapters
from app.directory.clients import ACCOUNT_ERASED
from app.i18n.catalogs import CATALOGS, Catalogs
from app.identity.tokens import derive_key
from app.outbound.fetching import FetchPolicy, fetch
from app.outbox.handlers import OutboxHandlers, PeriodicJob
from app.privacy_rights.export import EXPORTS, TableExport, by_client, by_user, of_clients_rows
from scheduling.appointments.audit import install_appointment_audit
from scheduling.appointments.erasure import erase_client_plans
from scheduling.appointments.events import APPOINTMENT_CHANGED
from scheduling.calendars.notifications import MESSAGES, AppointmentNotifier, MessageSettings
from scheduling.calendars.refresh import CalendarRefresh
from scheduling.video.providers import (
    VIDEO,
    DevelopmentVideoProvider,
    JitsiProvider,
    VideoProvider,
)

CALENDAR_JOB_EVERY = timedelta(minutes=1)


def register(*, adapters: Adapters, handlers: OutboxHandlers, config: dict[str, Any]) -> None:
    """Install scheduling's adapters and handle its outbox topics."""
    install_appointment_audit()
    adapters.get(EXPORTS).add(
        TableExport("appointments", by_client()),
        TableExport("appointment_series", by_client()),
        TableExport("group_enrollments", by_client()),
        TableExport("group_members", by_client()),
        TableExport("group_guidelines_acceptances", by_client()),
        TableExport("group_moderation", of_clients_rows("member_id", "group_members")),
        TableExport("group_meeting_reports", of_clients_rows("reporter_id", "group_members")),
        TableExport("support_groups", by_user("created_by_id"), "groups_you_created"),
        TableExport("group_moderation", by_user("actor_id"), "moderation_you_did"),
        TableExport("group_meeting_reports", by_user("resolved_by_id"), "reports_you_resolved"),
        TableExport("appointment_events", of_clients_rows("appointment_id", "appointments")),
    )
    messages = messages_from(config, adapters.get(CATALOGS))
    adapters.install(VIDEO, video_from(config))
    adapters.install(MESSAGES, messages)
    handlers.register(APPOINTMENT_CHANGED, AppointmentNotifier(messages))
    handlers.register(ACCOUNT_ERASED, erase_client_plans)
    refresh = CalendarRefresh(
        partial(fetch, policy=fetch_policy_from(config)),
        every=timedelta(minutes=config["EXTERNAL_CALENDAR_REFRESH_MINUTES"]),
    )
    handlers.add_job(PeriodicJob("external-calendars", every=CALENDAR_JOB_EVERY, run=refresh))


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


def messages_from(config: dict[str, Any], catalogs: Catalogs | None = None) -> MessageSettings:
    """What emails and invites need."""
    return MessageSettings(
        app_url=config["PUBLIC_APP_URL"],
        sender=config["MAIL_FROM"],
        reminder_offsets=tuple(config["REMINDER_OFFSETS_MINUTES"]),
        catalogs=catalogs or Catalogs(config["TRANSLATIONS_DIRS"]),
    )


def fetch_policy_from(config: dict[str, Any]) -> FetchPolicy:
    """Limits for fetching external calendars."""
    return FetchPolicy(
        max_bytes=config["EXTERNAL_CALENDAR_MAX_BYTES"],
        timeout=config["EXTERNAL_CALENDAR_TIMEOUT_SECONDS"],
        allowed_networks=tuple(config["EXTERNAL_CALENDAR_ALLOWED_NETWORKS"]),
    )
