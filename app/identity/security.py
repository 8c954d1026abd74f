"""The identity settings a use case needs, built once from configuration."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from app.adapters import AdapterKey
from app.identity.models import Role
from app.identity.password_screens import GuessabilityScreen, PasswordScreen, password_screen
from app.identity.passwords import Argon2Parameters, PasswordHashing
from app.identity.tokens import AccessTokens


@dataclass(frozen=True)
class LoginLimits:
    """How long a login may last at all, and how long it may sit unused."""

    absolute: timedelta
    idle: timedelta


@dataclass(frozen=True)
class EmailLinks:
    """Where emailed links point, how long they work and how often a person may ask for one."""

    app_url: str = "http://127.0.0.1:5000"
    verify_ttl: timedelta = timedelta(hours=48)
    reset_ttl: timedelta = timedelta(hours=1)
    min_gap: timedelta = timedelta(minutes=1)
    per_day: int = 5


@dataclass(frozen=True)
class Security:
    """Password hashing and screening, access tokens and token lifetimes."""

    passwords: PasswordHashing
    access_tokens: AccessTokens
    refresh_ttl: timedelta
    setup_ttl: timedelta
    staff_limits: LoginLimits = LoginLimits(timedelta(hours=12), timedelta(minutes=30))
    client_limits: LoginLimits = LoginLimits(timedelta(days=30), timedelta(days=7))
    screen: PasswordScreen = field(default_factory=GuessabilityScreen)
    links: EmailLinks = EmailLinks()
    staff_mfa_required: bool = True
    mfa_issuer: str = "Appointments"  # shown in authenticator apps: nothing clinical

    def limits_for(self, role: Role) -> LoginLimits:
        """Staff who can read clinical data are logged off sooner than clients."""
        return self.client_limits if role is Role.CLIENT else self.staff_limits

    @classmethod
    def from_config(cls, config: dict[str, Any]) -> Security:
        """Build from the application configuration."""
        return cls(
            passwords=PasswordHashing(
                Argon2Parameters(
                    time_cost=config["PASSWORD_HASH_TIME_COST"],
                    memory_kib=config["PASSWORD_HASH_MEMORY_KIB"],
                    parallelism=config["PASSWORD_HASH_PARALLELISM"],
                )
            ),
            access_tokens=AccessTokens(
                config["SECRET_KEY"],
                issuer=config["JWT_ISSUER"],
                ttl=timedelta(seconds=config["ACCESS_TOKEN_TTL_SECONDS"]),
            ),
            refresh_ttl=timedelta(seconds=config["REFRESH_TOKEN_TTL_SECONDS"]),
            setup_ttl=timedelta(seconds=config["SETUP_TOKEN_TTL_SECONDS"]),
            staff_limits=LoginLimits(
                absolute=timedelta(minutes=config["STAFF_LOGIN_MAX_MINUTES"]),
                idle=timedelta(minutes=config["STAFF_LOGIN_IDLE_MINUTES"]),
            ),
            client_limits=LoginLimits(
                absolute=timedelta(minutes=config["CLIENT_LOGIN_MAX_MINUTES"]),
                idle=timedelta(minutes=config["CLIENT_LOGIN_IDLE_MINUTES"]),
            ),
            screen=password_screen(config["PASSWORD_BREACH_API_URL"]),
            staff_mfa_required=config["STAFF_MFA_REQUIRED"],
            mfa_issuer=config["MFA_ISSUER"],
            links=EmailLinks(
                app_url=config["PUBLIC_APP_URL"],
                verify_ttl=timedelta(minutes=config["EMAIL_VERIFICATION_TTL_MINUTES"]),
                reset_ttl=timedelta(minutes=config["PASSWORD_RESET_TTL_MINUTES"]),
                min_gap=timedelta(seconds=config["EMAIL_LINK_MIN_GAP_SECONDS"]),
                per_day=config["EMAIL_LINKS_PER_DAY"],
            ),
        )


SECURITY: AdapterKey[Security] = AdapterKey("security")
