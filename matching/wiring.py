"""Matching's part of building an app: its crisis directory and its outbox handler."""

from __future__ import annotations

from typing import Any

from app.adapters import Adapters
from app.outbox.handlers import OutboxHandlers
from matching.intake.alerts import CRISIS_INTAKE, CrisisAlertNotifier
from matching.intake.crisis import CRISIS_DIRECTORY, CrisisDirectory


def register(*, adapters: Adapters, handlers: OutboxHandlers, config: dict[str, Any]) -> None:
    """Install the crisis directory and handle crisis alerts."""
    adapters.install(CRISIS_DIRECTORY, CrisisDirectory.from_file(config["CRISIS_RESOURCES_FILE"]))
    handlers.register(CRISIS_INTAKE, CrisisAlertNotifier(config["PUBLIC_APP_URL"]))
