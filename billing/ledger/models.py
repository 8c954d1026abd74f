"""Ledger entries: signed amounts a client owes a clinic (charges and fees up, payments down)."""

from __future__ import annotations

import enum
import uuid
from datetime import datetime

from sqlalchemy import ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from app.db.base import Base, UUIDPrimaryKey, enum_column


class EntryKind(enum.StrEnum):
    """What moved; the sign of each kind's amount is fixed (see SIGNS)."""

    CHARGE = "charge"  # a session's fee became owed (+)
    FEE = "fee"  # a late-cancellation or no-show fee became owed (+)
    PAYMENT = "payment"  # money received (-)
    REFUND = "refund"  # money returned (+), always with an adjustment
    ADJUSTMENT = "adjustment"  # a charge or fee reduced or waived (-)


SIGNS = {
    EntryKind.CHARGE: 1,
    EntryKind.FEE: 1,
    EntryKind.PAYMENT: -1,
    EntryKind.REFUND: 1,
    EntryKind.ADJUSTMENT: -1,
}


class LedgerEntry(UUIDPrimaryKey, Base):
    """One movement; the sum of a client's entries at a clinic is what they owe it."""

    __tablename__ = "ledger_entries"
    __table_args__ = (
        Index(None, "clinic_id", "at"),
        Index(None, "client_id", "clinic_id"),
    )

    clinic_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("clinics.id"))
    client_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("client_profiles.id"))
    therapist_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("therapist_profiles.id"))
    appointment_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("appointments.id"))
    payment_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("payments.id"), index=True)
    kind: Mapped[EntryKind] = mapped_column(enum_column(EntryKind, "entry_kind"))
    amount: Mapped[int]
    currency: Mapped[str] = mapped_column(String(3))
    at: Mapped[datetime]
    # Makes posting idempotent: the same movement is never entered twice.
    posting_key: Mapped[str] = mapped_column(String(120), unique=True)
    memo: Mapped[str] = mapped_column(String(120))
