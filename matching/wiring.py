"""Matching's part of building an app: its crisis directory and its outbox handler."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from app.adapters import Adapters
from app.outbox.handlers import OutboxHandlers, PeriodicJob
from app.privacy_rights.erasure import ERASERS
from app.privacy_rights.export import EXPORTS, TableExport, by_client, by_user, of_clients_rows
from matching.crisis_alerts.escalation import Escalation
from matching.intake.alerts import CRISIS_INTAKE, CrisisAlertNotifier
from matching.intake.crisis import CRISIS_DIRECTORY, CrisisDirectory
from matching.intake.erasure import erase_intake_text


def register(*, adapters: Adapters, handlers: OutboxHandlers, config: dict[str, Any]) -> None:
    """Install the crisis directory and handle crisis alerts."""
    adapters.install(CRISIS_DIRECTORY, CrisisDirectory.from_file(config["CRISIS_RESOURCES_FILE"]))
    handlers.register(CRISIS_INTAKE, CrisisAlertNotifier(config["PUBLIC_APP_URL"]))
    escalation = Escalation(
        after=timedelta(minutes=config["CRISIS_ALERT_ESCALATION_MINUTES"]),
        app_url=config["PUBLIC_APP_URL"],
    )
    handlers.add_job(PeriodicJob("crisis-escalation", every=timedelta(minutes=1), run=escalation))
    adapters.get(ERASERS).add(erase_intake_text)
    adapters.get(EXPORTS).add(
        TableExport("intakes", by_client()),
        TableExport("match_exposures", of_clients_rows("intake_id", "intakes")),
        TableExport("match_declines", of_clients_rows("intake_id", "intakes")),
        TableExport("match_outcomes", of_clients_rows("intake_id", "intakes")),
        TableExport("crisis_alerts", of_clients_rows("intake_id", "intakes")),
        TableExport("crisis_alerts", by_user("acknowledged_by_id"), "alerts_you_acknowledged"),
    )
