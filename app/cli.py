"""Flask CLI commands: migrations, bootstrap, demo data, training, reconciliation, the worker."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime, timedelta
from typing import Any

import click
from flask import Flask, current_app
from flask.cli import AppGroup, with_appcontext
from sqlalchemy.orm import Session

from app.clock import utcnow
from app.db.base import Base
from app.encryption import FIELD_CIPHER
from app.identity.security import SECURITY
from app.keys.rotation import rotate_all, values_to_visit
from app.outbox.handlers import OUTBOX_HANDLERS
from app.outbox.worker import Worker, WorkerSettings
from app.privacy_rights.retention import RetentionPeriods, apply_retention
from app.web.extensions import Database, adapter, db


def register_commands(app: Flask) -> None:
    """Attach the project's commands to `flask`."""
    app.cli.add_command(db_upgrade)
    app.cli.add_command(create_clinic_command)
    app.cli.add_command(seed_demo)
    app.cli.add_command(matching_group)
    app.cli.add_command(worker_command)
    app.cli.add_command(billing_group)
    app.cli.add_command(keys_group)
    app.cli.add_command(privacy_group)
    app.cli.add_command(crisis_resources_command)


@click.command("db-upgrade")
@with_appcontext
def db_upgrade() -> None:
    """Apply every pending migration to the configured database."""
    from migrations.runner import upgrade

    upgrade(current_app.config["DATABASE_URL"])
    click.echo("database is at the latest migration")


@click.command("create-clinic")
@with_appcontext
@click.option("--name", required=True, help="Clinic name")
@click.option("--timezone", "timezone_name", default="America/New_York", show_default=True)
@click.option("--admin-email", required=True, help="Email of the clinic's first admin")
def create_clinic_command(name: str, timezone_name: str, admin_email: str) -> None:
    """Create a clinic and its first admin; prints the admin's one-time setup token."""
    from app.directory.clinics import bootstrap_clinic
    from app.vocabularies import TIME_ZONES

    if timezone_name not in TIME_ZONES:
        raise click.BadParameter(f"unknown time zone {timezone_name!r}", param_hint="--timezone")
    clinic, admin, token, expires_at = bootstrap_clinic(
        session=db.session,
        security=adapter(SECURITY),
        name=name,
        timezone=timezone_name,
        admin_email=admin_email,
    )
    click.echo(f"clinic {clinic.name} ({clinic.id}) created")
    click.echo(f"admin {admin.email}: POST /api/v1/auth/setup with setup_token={token}")
    click.echo(f"the token expires at {expires_at.isoformat()}")


@click.command("seed-demo")
@with_appcontext
def seed_demo() -> None:
    """Load demo clinics, therapists, clients and admins (idempotent); prints the logins."""
    from app.seed import DEMO_PASSWORD, seed_demo_data
    from billing.demo import add_demo_billing
    from scheduling.demo import add_demo_groups, add_demo_schedules

    def add_demo_extras(*, session: Session) -> None:
        add_demo_schedules(session=session)
        add_demo_groups(session=session)
        add_demo_billing(session=session)

    if current_app.config["APP_ENV"] == "production":
        raise click.ClickException("refusing to load demo accounts in production")
    result = seed_demo_data(session=db.session, security=adapter(SECURITY), also=add_demo_extras)
    state = "created" if result.created else "already present"
    click.echo(f"demo data {state}: {result.summary}")
    click.echo(f"demo logins (password for all: {DEMO_PASSWORD}):")
    for role, email in result.logins:
        click.echo(f"  {role:<9} {email}")


@click.group("matching", cls=AppGroup)
def matching_group() -> None:
    """Matching model commands."""


@matching_group.command("train")
def train_matching() -> None:
    """Fit the ranking weights on recorded outcomes; keep them only if they rank held-out
    intakes better (NDCG@10) than the current model."""
    from matching.training.service import train

    result = train(session=db.session)
    click.echo(
        f"held-out NDCG@10: current model ({result.current_version}) "
        f"{result.current_ndcg:.3f}, newly fitted {result.candidate_ndcg:.3f}"
    )
    model = result.model
    if result.kept_current or model is None:
        click.echo(
            f"kept {result.current_version}: the fitted weights do no better ({result.candidate})"
        )
        return
    click.echo(f"trained {model.version} on {model.training_rows} outcomes: {model.weights}")
    click.echo(f"cross-validated ROC AUC: {model.metrics['cv_roc_auc']:.3f}")


@click.command("crisis-resources")
@click.option(
    "--max-age-days",
    default=180,
    show_default=True,
    type=click.IntRange(0),
    help="Flag entries whose checked_on is older than this.",
)
@click.option(
    "--as-of",
    type=click.DateTime(["%Y-%m-%d"]),
    help="Review as of this day (default: today, UTC).",
)
@with_appcontext
def crisis_resources_command(max_age_days: int, as_of: datetime | None) -> None:
    """Print the crisis lines per country; exit 1 if any is due for a check against its source."""
    from matching.intake.crisis import CRISIS_DIRECTORY
    from matching.intake.crisis_review import review

    day = as_of.date() if as_of else utcnow().date()
    result = review(adapter(CRISIS_DIRECTORY), as_of=day, max_age_days=max_age_days)
    for line in result.lines:
        click.echo(line)
    if result.due:
        raise SystemExit(1)


@click.group("billing", cls=AppGroup)
def billing_group() -> None:
    """Billing commands."""


@billing_group.command("reconcile")
@click.option("--since", required=True, type=click.DateTime(["%Y-%m-%d"]), help="First day (UTC)")
@click.option("--until", type=click.DateTime(["%Y-%m-%d"]), help="Day after the last (UTC)")
def reconcile_billing(since: datetime, until: datetime | None) -> None:
    """Compare our ledger with Stripe's charges and refunds; print every difference."""
    from billing.payments.provider import PAYMENT_PROVIDER
    from billing.reconcile import reconcile

    start = since.replace(tzinfo=UTC)
    end = until.replace(tzinfo=UTC) if until else utcnow()
    differences = reconcile(
        session=db.session, provider=adapter(PAYMENT_PROVIDER), since=start, until=end
    )
    for difference in differences:
        click.echo(difference.describe())
    click.echo(f"{len(differences)} difference(s) from {start.date()} to {end.isoformat()}")
    if differences:
        raise SystemExit(1)


def worker_settings(config: Mapping[str, Any]) -> WorkerSettings:
    """The worker's retry and lease policy from configuration."""
    return WorkerSettings(
        max_attempts=config["OUTBOX_MAX_ATTEMPTS"],
        retry_base=timedelta(seconds=config["OUTBOX_RETRY_BASE_SECONDS"]),
        lease=timedelta(seconds=config["OUTBOX_LEASE_SECONDS"]),
    )


@click.command("worker")
@click.option("--once", is_flag=True, help="Handle what is due now, then exit.")
@with_appcontext
def worker_command(once: bool) -> None:
    """Deliver outbox messages and run periodic jobs (external calendars)."""
    worker = Worker(
        db.state().sessionmaker, adapter(OUTBOX_HANDLERS), worker_settings(current_app.config)
    )
    if once:
        click.echo(f"handled {worker.run_once()} messages")
        return
    click.echo("worker running; Ctrl-C to stop")
    worker.run_forever(poll=current_app.config["WORKER_POLL_SECONDS"])


@click.group("keys", cls=AppGroup)
def keys_group() -> None:
    """Field-encryption keys."""


@keys_group.command("rotate-field-encryption")
@click.option("--batch-size", default=500, show_default=True, type=click.IntRange(1, 10_000))
def rotate_field_encryption(batch_size: int) -> None:
    """Re-encrypt stored free text, diagnoses and secrets under the newest key (resumable)."""
    engine = Database.state().engine
    cipher = adapter(FIELD_CIPHER)
    with click.progressbar(length=values_to_visit(engine, Base.metadata), label="rotating") as bar:
        reports = rotate_all(
            engine, Base.metadata, cipher, batch_size=batch_size, advance=bar.update
        )
    for name, report in reports.items():
        click.echo(
            f"{name}: {report.rotated} re-encrypted, {report.current} already current, "
            f"{len(report.unreadable)} unreadable"
        )
        for key in report.unreadable:
            click.echo(f"  unreadable with every configured key: {name} {key}", err=True)
    if any(report.unreadable for report in reports.values()):
        raise SystemExit(1)


@click.group("privacy", cls=AppGroup)
def privacy_group() -> None:
    """Privacy housekeeping."""


@privacy_group.command("retention")
@click.option("--dry-run", is_flag=True, help="Count what would be deleted; delete nothing.")
def apply_retention_policy(dry_run: bool) -> None:
    """Delete what is older than its retention period (each category on its own)."""
    results = apply_retention(
        Database.state().sessionmaker,
        RetentionPeriods.from_config(current_app.config),
        utcnow(),
        dry_run=dry_run,
    )
    verb = "would delete" if dry_run else "deleted"
    for name, outcome in results.items():
        if isinstance(outcome, Exception):
            click.echo(f"{name}: FAILED ({type(outcome).__name__})", err=True)
        else:
            click.echo(f"{name}: {verb} {outcome}")
    if any(isinstance(outcome, Exception) for outcome in results.values()):
        raise SystemExit(1)
