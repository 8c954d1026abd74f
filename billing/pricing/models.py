"""What sessions cost and how a clinic collects: policy, fees, agreed rates, copays, coverage."""

from __future__ import annotations

import enum
import uuid
from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from app.db.base import Base, Timestamps, enum_column


class Collection(enum.StrEnum):
    """When a clinic collects a session's fee."""

    NONE = "none"  # the clinic bills elsewhere; nothing is collected here
    AT_BOOKING = "at_booking"  # charged when booked
    AUTHORIZE_THEN_CAPTURE = "authorize_then_capture"  # authorized when booked, captured once held


class FeeKind(enum.StrEnum):
    """How a late-cancellation or no-show fee is set."""

    NONE = "none"
    FIXED = "fixed"  # the value is minor units
    SHARE = "share"  # the value is basis points of the session fee (10000 = all of it)


class PaymentMethodKind(enum.StrEnum):
    """How a client pays for sessions."""

    SELF_PAY = "self_pay"
    INSURANCE = "insurance"


class BillingPolicy(Timestamps, Base):
    """A clinic's currency, when it collects, its fees and refunds, and its Stripe account."""

    __tablename__ = "billing_policies"
    __table_args__ = (
        CheckConstraint("late_cancel_fee_value >= 0", name="late_fee_non_negative"),
        CheckConstraint("no_show_fee_value >= 0", name="no_show_fee_non_negative"),
        CheckConstraint(
            "platform_fee_basis_points BETWEEN 0 AND 10000", name="platform_fee_in_range"
        ),
        CheckConstraint("authorization_days BETWEEN 1 AND 6", name="authorization_days_in_range"),
    )

    clinic_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("clinics.id"), primary_key=True)
    currency: Mapped[str] = mapped_column(String(3), default="USD")
    collection: Mapped[Collection] = mapped_column(
        enum_column(Collection, "collection", length=32), default=Collection.NONE
    )
    late_cancel_fee_kind: Mapped[FeeKind] = mapped_column(
        enum_column(FeeKind, "late_cancel_fee_kind"), default=FeeKind.NONE
    )
    late_cancel_fee_value: Mapped[int] = mapped_column(default=0)
    no_show_fee_kind: Mapped[FeeKind] = mapped_column(
        enum_column(FeeKind, "no_show_fee_kind"), default=FeeKind.NONE
    )
    no_show_fee_value: Mapped[int] = mapped_column(default=0)
    refund_staff_cancellations: Mapped[bool] = mapped_column(default=True)
    stripe_account_id: Mapped[str | None] = mapped_column(String(64))
    platform_fee_basis_points: Mapped[int] = mapped_column(default=0)
    # Card authorizations lapse after about 7 days (5 for some merchant-initiated Visa): a
    # session further ahead is charged off-session this many days before it starts.
    authorization_days: Mapped[int] = mapped_column(default=5)


class SessionFee(Timestamps, Base):
    """The fee of a session type (a therapist's own type or a clinic default)."""

    __tablename__ = "session_fees"
    __table_args__ = (CheckConstraint("amount >= 0", name="amount_non_negative"),)

    session_type_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("session_types.id"), primary_key=True
    )
    amount: Mapped[int]


class AgreedRate(Base):
    """A client's rate with a therapist, set by the therapist within their sliding scale."""

    __tablename__ = "agreed_rates"
    __table_args__ = (CheckConstraint("amount >= 0", name="amount_non_negative"),)

    therapist_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("therapist_profiles.id"), primary_key=True
    )
    client_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("client_profiles.id"), primary_key=True)
    amount: Mapped[int]
    set_by_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id"))
    set_at: Mapped[datetime]


class InsuranceCopay(Timestamps, Base):
    """What a client on an insurance plan pays a clinic per session."""

    __tablename__ = "insurance_copays"
    __table_args__ = (CheckConstraint("amount >= 0", name="amount_non_negative"),)

    clinic_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("clinics.id"), primary_key=True)
    insurance_plan: Mapped[str] = mapped_column(String(64), primary_key=True)
    amount: Mapped[int]


class Coverage(Timestamps, Base):
    """How a client pays: self-pay, or an insurance plan (then the clinic's copay applies)."""

    __tablename__ = "coverages"
    __table_args__ = (
        CheckConstraint(
            "(method = 'insurance') = (insurance_plan IS NOT NULL)", name="plan_iff_insurance"
        ),
    )

    client_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("client_profiles.id"), primary_key=True)
    method: Mapped[PaymentMethodKind] = mapped_column(enum_column(PaymentMethodKind, "coverage"))
    insurance_plan: Mapped[str | None] = mapped_column(String(64))
