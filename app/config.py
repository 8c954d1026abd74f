"""Configuration: the only module that reads the environment."""

from __future__ import annotations

import os
import secrets
from pathlib import Path
from typing import Any

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_INSTANCE_PATH = PROJECT_ROOT / "instance"


class ConfigurationError(RuntimeError):
    """The configuration cannot start the service."""


def _env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def _env_int(name: str, default: int) -> int:
    value = os.environ.get(name)
    if value is None or value.strip() == "":
        return default
    try:
        return int(value)
    except ValueError as exc:
        raise ConfigurationError(f"{name} must be an integer, got {value!r}") from exc


def _development_secret(instance_path: Path) -> str:
    """Return the development secret kept under instance/, creating it once."""
    secret_file = instance_path / "secret_key"
    if secret_file.exists():
        return secret_file.read_text().strip()
    instance_path.mkdir(parents=True, exist_ok=True)
    secret = secrets.token_urlsafe(48)
    secret_file.write_text(secret)
    secret_file.chmod(0o600)
    return secret


DEVELOPMENT_ORIGINS = ("http://localhost:3000", "http://localhost:5173", "http://127.0.0.1:5173")


def _origins(env: str) -> list[str]:
    listed = os.environ.get("CORS_ORIGINS")
    if listed is None:
        return list(DEVELOPMENT_ORIGINS) if env == "development" else []
    return [origin.strip().rstrip("/") for origin in listed.split(",") if origin.strip()]


def _service(env: str, instance_path: Path) -> dict[str, Any]:
    """Database, secrets, tokens, password hashing, rate limits, request and log settings."""
    return {
        "APP_ENV": env,
        "INSTANCE_PATH": str(instance_path),
        "DATABASE_URL": os.environ.get(
            "DATABASE_URL", f"sqlite:///{instance_path / 'teletherapy.sqlite3'}"
        ),
        "SQL_ECHO": _env_bool("SQL_ECHO", False),
        "SECRET_KEY": os.environ.get("SECRET_KEY"),
        "JWT_ISSUER": os.environ.get("JWT_ISSUER", "teletherapy-api"),
        "ACCESS_TOKEN_TTL_SECONDS": _env_int("ACCESS_TOKEN_TTL_SECONDS", 15 * 60),
        "REFRESH_TOKEN_TTL_SECONDS": _env_int("REFRESH_TOKEN_TTL_SECONDS", 30 * 24 * 3600),
        "SETUP_TOKEN_TTL_SECONDS": _env_int("SETUP_TOKEN_TTL_SECONDS", 72 * 3600),
        "EMAIL_VERIFICATION_TTL_MINUTES": _env_int("EMAIL_VERIFICATION_TTL_MINUTES", 48 * 60),
        "PASSWORD_RESET_TTL_MINUTES": _env_int("PASSWORD_RESET_TTL_MINUTES", 60),
        # Verification and reset links a person may ask for: a minimum gap and a daily count.
        "EMAIL_LINK_MIN_GAP_SECONDS": _env_int("EMAIL_LINK_MIN_GAP_SECONDS", 60),
        "EMAIL_LINKS_PER_DAY": _env_int("EMAIL_LINKS_PER_DAY", 5),
        # A Have I Been Pwned compatible range API (https://api.pwnedpasswords.com); unset: the
        # offline screen (zxcvbn's shipped lists) alone decides.
        "PASSWORD_BREACH_API_URL": os.environ.get("PASSWORD_BREACH_API_URL") or None,
        # Therapists and admins prove a second factor (TOTP) before reading client data.
        "STAFF_MFA_REQUIRED": _env_bool("STAFF_MFA_REQUIRED", True),
        # `flask privacy retention`: how long records are kept (see app/privacy_rights/retention)
        "RETENTION_MAIL_DAYS": _env_int("RETENTION_MAIL_DAYS", 30),
        "RETENTION_SESSIONS_DAYS": _env_int("RETENTION_SESSIONS_DAYS", 90),
        "RETENTION_AUDIT_DAYS": _env_int("RETENTION_AUDIT_DAYS", 6 * 366),
        "RETENTION_BILLING_DAYS": _env_int("RETENTION_BILLING_DAYS", 7 * 366),
        "MFA_ISSUER": os.environ.get("MFA_ISSUER", "Appointments"),
        # Automatic logoff: a login ends this long after it began, or after this long unused
        # (no refresh); staff, who can read clinical data, sooner than clients.
        "STAFF_LOGIN_MAX_MINUTES": _env_int("STAFF_LOGIN_MAX_MINUTES", 12 * 60),
        "STAFF_LOGIN_IDLE_MINUTES": _env_int("STAFF_LOGIN_IDLE_MINUTES", 30),
        "CLIENT_LOGIN_MAX_MINUTES": _env_int("CLIENT_LOGIN_MAX_MINUTES", 30 * 24 * 60),
        "CLIENT_LOGIN_IDLE_MINUTES": _env_int("CLIENT_LOGIN_IDLE_MINUTES", 7 * 24 * 60),
        # argon2id; defaults are RFC 9106's second recommendation, above OWASP's minimum.
        "PASSWORD_HASH_TIME_COST": _env_int("PASSWORD_HASH_TIME_COST", 3),
        "PASSWORD_HASH_MEMORY_KIB": _env_int("PASSWORD_HASH_MEMORY_KIB", 64 * 1024),
        "PASSWORD_HASH_PARALLELISM": _env_int("PASSWORD_HASH_PARALLELISM", 4),
        "RATELIMIT_ENABLED": _env_bool("RATELIMIT_ENABLED", True),
        "RATELIMIT_STORAGE_URI": os.environ.get("RATELIMIT_STORAGE_URI", "memory://"),
        "RATELIMIT_AUTH": os.environ.get("RATELIMIT_AUTH", "10 per minute;100 per hour"),
        "RATELIMIT_HEADERS_ENABLED": True,
        "MAX_CONTENT_LENGTH": _env_int("MAX_CONTENT_LENGTH", 256 * 1024),
        "LOG_LEVEL": os.environ.get("LOG_LEVEL", "INFO"),
        "TRUSTED_PROXY_COUNT": _env_int("TRUSTED_PROXY_COUNT", 0),
        # Web apps on these exact origins may call the API from a browser; none unless listed
        # (development allows the usual local frontend servers).
        "CORS_ORIGINS": _origins(env),
    }


# flask-smorest / OpenAPI (fixed; nothing here comes from the environment)
OPENAPI_SETTINGS: dict[str, Any] = {
    "API_TITLE": "Teletherapy API",
    "API_VERSION": "v1",
    "OPENAPI_VERSION": "3.1.0",
    "API_SPEC_OPTIONS": {
        "info": {
            "description": "Therapist matching, teletherapy scheduling and billing. Instants are "
            "UTC with Z unless `tz` names an IANA zone; lists are pages; writes of availability, "
            "profiles and policies honour If-Match. Places are ISO 3166-2 codes (US-CA, CA-ON, "
            "AU-NSW, GB-SCT) or, where there are no subdivisions here, country codes (IE, NZ); "
            "the bare US state codes of earlier versions (CA for California) are deprecated: "
            "read as US-CA until version 2 and answered with a Deprecation header.",
            "license": {"name": "Proprietary"},
        }
    },
    "OPENAPI_URL_PREFIX": "/",
    "OPENAPI_JSON_PATH": "openapi.json",
    "OPENAPI_SWAGGER_UI_PATH": "docs",
    "OPENAPI_SWAGGER_UI_URL": "/docs/assets/",
    "JSON_SORT_KEYS": False,
}


def _matching() -> dict[str, Any]:
    """Field encryption of intakes, crisis resources and the match window."""
    return {
        # Fernet keys, comma-separated, newest first (older ones still decrypt: key rotation).
        "FIELD_ENCRYPTION_KEYS": [
            k.strip() for k in os.environ.get("FIELD_ENCRYPTION_KEYS", "").split(",") if k.strip()
        ],
        "CRISIS_RESOURCES_FILE": os.environ.get("CRISIS_RESOURCES_FILE"),
        "MATCH_WINDOW_DAYS": _env_int("MATCH_WINDOW_DAYS", 14),
        # An unacknowledged crisis alert goes to every admin of the clinic again after this long
        # (and again, up to three times).
        "CRISIS_ALERT_ESCALATION_MINUTES": _env_int("CRISIS_ALERT_ESCALATION_MINUTES", 30),
    }


def _delivery() -> dict[str, Any]:
    """Links, email over SMTP, reminders, and the outbox worker."""
    return {
        # Links in invites and emails point at the app's pages, never at token-bearing URLs.
        "PUBLIC_APP_URL": os.environ.get("PUBLIC_APP_URL", "http://127.0.0.1:5000").rstrip("/"),
        # Links handed out in answers (join links, feed URLs) follow the request's own host
        # (always so in development without PUBLIC_APP_URL, so any port or host works).
        "LINKS_FROM_REQUEST_HOST": _env_bool("LINKS_FROM_REQUEST_HOST", False),
        "MAIL_FROM": os.environ.get("MAIL_FROM", "appointments@example.com"),
        # Folders of <locale>/LC_MESSAGES/messages.po translations added to the shipped ones.
        "TRANSLATIONS_DIRS": [
            d for d in os.environ.get("TRANSLATIONS_DIRS", "").split(os.pathsep) if d.strip()
        ],
        "MAIL_MESSAGE_ID_DOMAIN": os.environ.get("MAIL_MESSAGE_ID_DOMAIN", "appointments.local"),
        "SMTP_HOST": os.environ.get("SMTP_HOST"),  # unset: emails are written under instance/mail
        "SMTP_PORT": _env_int("SMTP_PORT", 587),
        "SMTP_SECURITY": os.environ.get("SMTP_SECURITY", "starttls"),  # starttls | tls | none
        "SMTP_USERNAME": os.environ.get("SMTP_USERNAME"),
        "SMTP_PASSWORD": os.environ.get("SMTP_PASSWORD"),
        "SMTP_TIMEOUT_SECONDS": _env_int("SMTP_TIMEOUT_SECONDS", 20),
        "REMINDER_OFFSETS_MINUTES": [
            int(v) for v in os.environ.get("REMINDER_OFFSETS_MINUTES", "1440,60").split(",") if v
        ],
        "OUTBOX_MAX_ATTEMPTS": _env_int("OUTBOX_MAX_ATTEMPTS", 8),
        "OUTBOX_RETRY_BASE_SECONDS": _env_int("OUTBOX_RETRY_BASE_SECONDS", 30),
        "OUTBOX_LEASE_SECONDS": _env_int("OUTBOX_LEASE_SECONDS", 120),
        "WORKER_POLL_SECONDS": _env_int("WORKER_POLL_SECONDS", 5),
    }


def _video_and_calendars() -> dict[str, Any]:
    """The video provider, external calendars and webhooks: everything that calls out."""
    return {
        "JITSI_DOMAIN": os.environ.get("JITSI_DOMAIN"),
        "JITSI_APP_ID": os.environ.get("JITSI_APP_ID"),
        "JITSI_SECRET": os.environ.get("JITSI_SECRET"),
        "EXTERNAL_CALENDAR_REFRESH_MINUTES": _env_int("EXTERNAL_CALENDAR_REFRESH_MINUTES", 30),
        "EXTERNAL_CALENDAR_MAX_BYTES": _env_int("EXTERNAL_CALENDAR_MAX_BYTES", 2 * 1024 * 1024),
        "EXTERNAL_CALENDAR_TIMEOUT_SECONDS": _env_int("EXTERNAL_CALENDAR_TIMEOUT_SECONDS", 10),
        # CIDRs a calendar URL may resolve to although private (e.g. an intranet CalDAV server).
        "EXTERNAL_CALENDAR_ALLOWED_NETWORKS": _networks("EXTERNAL_CALENDAR_ALLOWED_NETWORKS"),
        # Outgoing webhooks: the same SSRF rules; CIDRs allowed although private (an intranet EHR).
        "WEBHOOK_ALLOWED_NETWORKS": _networks("WEBHOOK_ALLOWED_NETWORKS"),
        "WEBHOOK_TIMEOUT_SECONDS": _env_int("WEBHOOK_TIMEOUT_SECONDS", 10),
        "WEBHOOK_MAX_ATTEMPTS": _env_int("WEBHOOK_MAX_ATTEMPTS", 10),
        "WEBHOOK_RETRY_BASE_SECONDS": _env_int("WEBHOOK_RETRY_BASE_SECONDS", 60),
    }


def _networks(name: str) -> list[str]:
    """A comma-separated list of CIDRs from the environment."""
    return [n.strip() for n in os.environ.get(name, "").split(",") if n.strip()]


def _billing() -> dict[str, Any]:
    """Stripe: unset keys mean the local provider (development) or no payments (production)."""
    return {
        "STRIPE_SECRET_KEY": os.environ.get("STRIPE_SECRET_KEY"),
        "STRIPE_PUBLISHABLE_KEY": os.environ.get("STRIPE_PUBLISHABLE_KEY", ""),
        "STRIPE_WEBHOOK_SECRET": os.environ.get("STRIPE_WEBHOOK_SECRET", ""),
        # Only for a Stripe-compatible local server (tests); unset means api.stripe.com.
        "STRIPE_API_BASE": os.environ.get("STRIPE_API_BASE"),
        "STRIPE_TIMEOUT_SECONDS": _env_int("STRIPE_TIMEOUT_SECONDS", 20),
        "STRIPE_WEBHOOK_TOLERANCE_SECONDS": _env_int("STRIPE_WEBHOOK_TOLERANCE_SECONDS", 300),
    }


def _settle_secrets(config: dict[str, Any], instance_path: Path) -> None:
    """Fill in the development secret; refuse to start production without real secrets."""
    if not config["SECRET_KEY"]:
        if config["APP_ENV"] == "production":
            raise ConfigurationError(
                "SECRET_KEY is not set. In production the secret key must come from the "
                "environment (for example SECRET_KEY=$(python -c 'import secrets; "
                "print(secrets.token_urlsafe(48))')); refusing to start."
            )
        config["SECRET_KEY"] = _development_secret(instance_path)
    if config["APP_ENV"] == "production" and not config["FIELD_ENCRYPTION_KEYS"]:
        raise ConfigurationError(
            'FIELD_ENCRYPTION_KEYS is not set. Generate one with `python -c "from '
            'cryptography.fernet import Fernet; print(Fernet.generate_key().decode())"`.'
        )
    if config["APP_ENV"] == "production" and len(config["SECRET_KEY"]) < 32:
        raise ConfigurationError("SECRET_KEY must be at least 32 characters in production.")


def load_config(overrides: dict[str, Any] | None = None) -> dict[str, Any]:
    """Build the application configuration from the environment and explicit overrides."""
    overrides = dict(overrides or {})
    instance_path = Path(
        overrides.get("INSTANCE_PATH") or os.environ.get("INSTANCE_PATH") or DEFAULT_INSTANCE_PATH
    )
    env = overrides.get("APP_ENV") or os.environ.get("APP_ENV", "development")
    if env not in {"development", "production", "testing"}:
        raise ConfigurationError("APP_ENV must be one of development, production, testing")
    config: dict[str, Any] = {
        **_service(env, instance_path),
        **OPENAPI_SETTINGS,
        **_matching(),
        **_delivery(),
        **_video_and_calendars(),
        **_billing(),
    }
    if env == "development" and "PUBLIC_APP_URL" not in os.environ:
        config["LINKS_FROM_REQUEST_HOST"] = True
    config.update(overrides)
    _settle_secrets(config, instance_path)
    return config
