"""One clinic's alert about one high-risk intake."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from app.db.base import Base, UUIDPrimaryKey


class CrisisAlert(UUIDPrimaryKey, Base):
    """A clinic was told a new client needs urgent follow-up; who acknowledged it, and when."""

    __tablename__ = "crisis_alerts"
    __table_args__ = (
        UniqueConstraint("intake_id", "clinic_id"),
        Index(None, "clinic_id", "raised_at"),
    )

    intake_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("intakes.id"))
    clinic_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("clinics.id"))
    raised_at: Mapped[datetime]
    acknowledged_at: Mapped[datetime | None]
    acknowledged_by_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("users.id"))
    note: Mapped[str | None] = mapped_column(String(500))
    escalations: Mapped[int] = mapped_column(default=0)
    escalated_at: Mapped[datetime | None]
