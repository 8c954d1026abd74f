"""Session coding (diagnoses encrypted at rest) and issued good-faith estimates."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, CheckConstraint, ForeignKey, Index, LargeBinary, String
from sqlalchemy.orm import Mapped, mapped_column

from app.db.base import Base, Timestamps, UUIDPrimaryKey, enum_column
from billing.paperwork.codes import ServiceKind


class SessionCoding(Timestamps, Base):
    """What the therapist coded for a held session: diagnoses (encrypted) and the service kind."""

    __tablename__ = "session_codings"

    appointment_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("appointments.id", ondelete="CASCADE"), primary_key=True
    )
    # A JSON list of ICD-10-CM codes, encrypted with the field cipher: never stored or logged
    # in the clear.
    diagnoses_encrypted: Mapped[bytes] = mapped_column(LargeBinary)
    service_kind: Mapped[ServiceKind] = mapped_column(
        enum_column(ServiceKind, "service_kind", length=32)
    )
    coded_by_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id"))
    coded_at: Mapped[datetime]


class GoodFaithEstimate(UUIDPrimaryKey, Base):
    """An estimate given to a self-pay client (45 CFR 149.610), as issued."""

    __tablename__ = "good_faith_estimates"
    __table_args__ = (
        CheckConstraint("total >= 0", name="total_non_negative"),
        CheckConstraint("expected_sessions BETWEEN 1 AND 52", name="expected_sessions_in_range"),
        Index(None, "client_id", "therapist_id", "issued_at"),
        Index(None, "clinic_id", "issued_at"),
    )

    clinic_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("clinics.id"))
    client_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("client_profiles.id"))
    therapist_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("therapist_profiles.id"))
    session_type_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("session_types.id"))
    # The booking that caused it; None when the client asked for one.
    appointment_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("appointments.id", ondelete="SET NULL")
    )
    issued_at: Mapped[datetime]
    expected_sessions: Mapped[int]
    service_description: Mapped[str] = mapped_column(String(200))
    # [{"cpt": "90791", "description": ..., "quantity": 1, "unit_fee": 15000, "amount": 15000}]
    items: Mapped[list[dict[str, Any]]] = mapped_column(JSON)
    total: Mapped[int]
    currency: Mapped[str] = mapped_column(String(3))
    # The provider as stated on the estimate when issued: name, credentials, NPI, TIN, clinic.
    provider: Mapped[dict[str, Any]] = mapped_column(JSON)
