"""The platform's tables in a person's export: account, profiles, logins, factors, audit, mail."""

from __future__ import annotations

from sqlalchemy import ColumnElement, Table

from app.mail.delivery import EMAIL
from app.privacy_rights.export import ExportRegistry, Subject, TableExport, by_client, by_user


def _emails_to(table: Table, subject: Subject) -> ColumnElement[bool]:
    recipient: ColumnElement[str] = table.c.payload["to"].as_string()
    return (table.c.topic == EMAIL) & (recipient == subject.email)


def register_platform_exports(registry: ExportRegistry) -> None:
    """Add the platform's exporters."""
    registry.add(
        TableExport("users", by_user("id"), "account"),
        TableExport("client_profiles", by_user(), "client_profile"),
        TableExport("therapist_profiles", by_user(), "therapist_profile"),
        TableExport("auth_sessions", by_user(), "logins"),
        TableExport("email_tokens", by_user(), "emailed_links"),
        TableExport("mfa_challenges", by_user(), "two_factor_challenges"),
        TableExport("recovery_codes", by_user(), "recovery_codes"),
        TableExport("totp_factors", by_user(), "authenticator"),
        TableExport("audit_events", by_user("actor_user_id"), "what_you_accessed"),
        TableExport("audit_events", by_client("subject_client_id"), "who_accessed_your_record"),
        TableExport("outbox_messages", _emails_to, "emails_to_you"),
        TableExport("consent_acceptances", by_client(), "consents_you_accepted"),
        TableExport("idempotent_requests", by_user(), "answers_kept_for_retries"),
        TableExport("consent_documents", by_user("published_by_id"), "documents_you_published"),
    )
