"""Customers at the provider, payments (one per appointment and purpose), refunds, events seen."""

from __future__ import annotations

import enum
import uuid
from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from app.db.base import Base, Timestamps, UUIDPrimaryKey, enum_column

PLATFORM = ""  # the account key of the platform's own Stripe account


class Purpose(enum.StrEnum):
    """What a payment is for."""

    SESSION = "session"
    LATE_CANCELLATION_FEE = "late_cancellation_fee"
    NO_SHOW_FEE = "no_show_fee"


class PaymentStatus(enum.StrEnum):
    """Where a payment is; `due` and `failed` are open balances the client can pay."""

    DUE = "due"  # waiting for the client to pay on-session (a hold, or a balance)
    SCHEDULED = "scheduled"  # to be charged off-session with the saved card at `charge_after`
    AUTHORIZED = "authorized"  # the card is authorized; captured once the session is held
    CAPTURED = "captured"  # money received (partly refunded when amount_refunded > 0)
    CANCELED = "canceled"  # nothing will be collected (released, voided, waived)
    FAILED = "failed"  # an off-session charge was declined or needs the client's authentication


OPEN_STATUSES = frozenset({PaymentStatus.DUE, PaymentStatus.FAILED})


class BillingCustomer(Base):
    """A client's Customer object at the provider, per account (created lazily)."""

    __tablename__ = "billing_customers"

    client_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("client_profiles.id"), primary_key=True)
    account: Mapped[str] = mapped_column(String(64), primary_key=True, default=PLATFORM)
    customer_id: Mapped[str] = mapped_column(String(64))
    default_card_id: Mapped[str | None] = mapped_column(String(64))


class Payment(UUIDPrimaryKey, Timestamps, Base):
    """Money one client owes one clinic for one purpose, and how much of it moved."""

    __tablename__ = "payments"
    __table_args__ = (
        CheckConstraint("amount > 0", name="amount_positive"),
        CheckConstraint("amount_captured BETWEEN 0 AND amount", name="captured_within_amount"),
        CheckConstraint("amount_refunded BETWEEN 0 AND amount_captured", name="refund_within"),
        UniqueConstraint("appointment_id", "purpose"),
        Index(None, "client_id", "status"),
        Index(None, "status", "charge_after"),
    )

    clinic_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("clinics.id"), index=True)
    client_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("client_profiles.id"))
    appointment_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("appointments.id"))
    purpose: Mapped[Purpose] = mapped_column(enum_column(Purpose, "purpose", length=32))
    amount: Mapped[int]
    currency: Mapped[str] = mapped_column(String(3))
    status: Mapped[PaymentStatus] = mapped_column(enum_column(PaymentStatus, "payment_status"))
    capture_later: Mapped[bool] = mapped_column(default=False)
    charge_after: Mapped[datetime | None]
    account: Mapped[str] = mapped_column(String(64), default=PLATFORM)
    application_fee: Mapped[int] = mapped_column(default=0)
    intent_id: Mapped[str | None] = mapped_column(String(64), unique=True)
    # A session too far ahead to authorize now: the card is saved (SetupIntent), charged later.
    setup_id: Mapped[str | None] = mapped_column(String(64), unique=True)
    # Each new attempt (a fresh intent after a failure) gets a new idempotency key.
    attempt: Mapped[int] = mapped_column(default=0)
    amount_captured: Mapped[int] = mapped_column(default=0)
    # Refunded or being refunded: reserved under the row lock before the provider is asked.
    amount_refunded: Mapped[int] = mapped_column(default=0)
    failure_code: Mapped[str | None] = mapped_column(String(64))

    @property
    def refundable(self) -> int:
        """What may still be refunded."""
        return self.amount_captured - self.amount_refunded


class RefundStatus(enum.StrEnum):
    """A refund's progress at the provider."""

    PENDING = "pending"
    SUCCEEDED = "succeeded"
    FAILED = "failed"


class Refund(UUIDPrimaryKey, Timestamps, Base):
    """Money returned to the client from a captured payment."""

    __tablename__ = "refunds"
    __table_args__ = (CheckConstraint("amount > 0", name="amount_positive"),)

    payment_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("payments.id"), index=True)
    amount: Mapped[int]
    status: Mapped[RefundStatus] = mapped_column(enum_column(RefundStatus, "refund_status"))
    provider_refund_id: Mapped[str | None] = mapped_column(String(64), unique=True)
    reason: Mapped[str | None] = mapped_column(String(500))
    requested_by_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("users.id"))
    failure_code: Mapped[str | None] = mapped_column(String(64))


class ProviderEvent(Base):
    """A webhook event already accepted, so a replay is acknowledged and ignored."""

    __tablename__ = "provider_events"

    event_id: Mapped[str] = mapped_column(String(255), primary_key=True)
    type: Mapped[str] = mapped_column(String(100))
    account: Mapped[str] = mapped_column(String(64), default=PLATFORM)
    received_at: Mapped[datetime]
