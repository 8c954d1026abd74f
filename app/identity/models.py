"""Users, login sessions and refresh tokens."""

from __future__ import annotations

import enum
import uuid
from datetime import datetime

from sqlalchemy import ForeignKey, Index, LargeBinary, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.db.base import Base, Timestamps, UUIDPrimaryKey, enum_column


class Role(enum.StrEnum):
    """What a user is to the service."""

    CLIENT = "client"
    THERAPIST = "therapist"
    ADMIN = "admin"


class User(UUIDPrimaryKey, Timestamps, Base):
    """A person who can log in."""

    __tablename__ = "users"

    email: Mapped[str] = mapped_column(String(320), unique=True)
    password_hash: Mapped[str | None] = mapped_column(String(255))
    role: Mapped[Role] = mapped_column(enum_column(Role, "user_role"))
    clinic_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("clinics.id"), index=True)
    setup_token_hash: Mapped[str | None] = mapped_column(String(64), unique=True)
    setup_token_expires_at: Mapped[datetime | None]
    email_verified_at: Mapped[datetime | None]
    last_login_at: Mapped[datetime | None]
    deleted_at: Mapped[datetime | None]
    # the language messages are written in (a Babel locale: en, fr_CA, es)
    locale: Mapped[str] = mapped_column(String(35), default="en", server_default="en")

    sessions: Mapped[list[AuthSession]] = relationship(back_populates="user")
    totp: Mapped[TotpFactor | None] = relationship(back_populates="user")

    @property
    def mfa_enabled(self) -> bool:
        """True once an authenticator app is confirmed for the account."""
        return self.totp is not None and self.totp.confirmed_at is not None

    @property
    def email_verified(self) -> bool:
        """True once the owner proved the address receives our mail."""
        return self.email_verified_at is not None

    @property
    def is_active(self) -> bool:
        """True while the account exists and has a password set."""
        return self.deleted_at is None and self.password_hash is not None


class AuthSession(UUIDPrimaryKey, Base):
    """One login: a family of rotating refresh tokens; revoking it ends every token in it."""

    __tablename__ = "auth_sessions"

    user_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id"), index=True)
    created_at: Mapped[datetime]
    last_refreshed_at: Mapped[datetime]
    revoked_at: Mapped[datetime | None]
    revoke_reason: Mapped[str | None] = mapped_column(String(40))
    # When this login proved a second factor (None: password only).
    mfa_verified_at: Mapped[datetime | None]

    user: Mapped[User] = relationship(back_populates="sessions")
    refresh_tokens: Mapped[list[RefreshToken]] = relationship(back_populates="session")


class RefreshToken(UUIDPrimaryKey, Base):
    """A single-use refresh token, stored only as a SHA-256 digest."""

    __tablename__ = "refresh_tokens"

    session_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("auth_sessions.id"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    issued_at: Mapped[datetime]
    expires_at: Mapped[datetime]
    used_at: Mapped[datetime | None]

    session: Mapped[AuthSession] = relationship(back_populates="refresh_tokens")


class EmailTokenPurpose(enum.StrEnum):
    """What following an emailed link does."""

    VERIFY_EMAIL = "verify_email"
    RESET_PASSWORD = "reset_password"  # noqa: S105 (a purpose, not a password)


class EmailToken(UUIDPrimaryKey, Base):
    """A one-time token sent by email, stored only as a SHA-256 digest."""

    __tablename__ = "email_tokens"
    __table_args__ = (Index(None, "user_id", "purpose", "created_at"),)

    user_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id"))
    purpose: Mapped[EmailTokenPurpose] = mapped_column(
        enum_column(EmailTokenPurpose, "email_token_purpose")
    )
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    # The address the link was sent to: verifying it makes it the account's address.
    email: Mapped[str] = mapped_column(String(320))
    created_at: Mapped[datetime]
    expires_at: Mapped[datetime]
    used_at: Mapped[datetime | None]


class TotpFactor(UUIDPrimaryKey, Base):
    """An authenticator app (RFC 6238): its secret, encrypted, and the last time step used."""

    __tablename__ = "totp_factors"

    user_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id"), unique=True)
    secret_encrypted: Mapped[bytes] = mapped_column(LargeBinary)
    created_at: Mapped[datetime]
    confirmed_at: Mapped[datetime | None]
    # A code of this step or an earlier one is refused: a code works once (RFC 6238, 5.2).
    last_used_step: Mapped[int | None]

    user: Mapped[User] = relationship(back_populates="totp")


class RecoveryCode(UUIDPrimaryKey, Base):
    """A one-time recovery code, stored only as a SHA-256 digest."""

    __tablename__ = "recovery_codes"

    user_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id"), index=True)
    code_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime]
    used_at: Mapped[datetime | None]


class MfaChallenge(UUIDPrimaryKey, Base):
    """A password login waiting for its second factor; single use, short-lived."""

    __tablename__ = "mfa_challenges"

    user_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime]
    expires_at: Mapped[datetime]
    failed_attempts: Mapped[int] = mapped_column(default=0)
    used_at: Mapped[datetime | None]


class LoginThrottle(Base):
    """Failed sign-in attempts counted under one key (an account, or an account from an address)."""

    __tablename__ = "login_throttles"

    key: Mapped[str] = mapped_column(String(200), primary_key=True)
    failures: Mapped[int]
    blocked_until: Mapped[datetime]
    updated_at: Mapped[datetime] = mapped_column(index=True)
