"""Published consent documents and clients' acceptances of them."""

from __future__ import annotations

import enum
import uuid
from datetime import datetime

from sqlalchemy import ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from app.db.base import Base, UUIDPrimaryKey, enum_column


class ConsentKind(enum.StrEnum):
    """The documents a clinic asks clients to accept."""

    TELEHEALTH_CONSENT = "telehealth_consent"
    PRIVACY_NOTICE = "privacy_notice"
    FINANCIAL_POLICY = "financial_policy"


class ConsentDocument(UUIDPrimaryKey, Base):
    """One published version of a clinic's document; never edited, only superseded."""

    __tablename__ = "consent_documents"
    __table_args__ = (UniqueConstraint("clinic_id", "kind", "version"),)

    clinic_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("clinics.id"), index=True)
    kind: Mapped[ConsentKind] = mapped_column(enum_column(ConsentKind, "consent_kind", length=24))
    version: Mapped[int]
    title: Mapped[str] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(Text)
    published_at: Mapped[datetime]
    published_by_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id"))


class ConsentAcceptance(UUIDPrimaryKey, Base):
    """A client accepted one version: when, from which address, with which user agent."""

    __tablename__ = "consent_acceptances"
    __table_args__ = (UniqueConstraint("document_id", "client_id"),)

    document_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("consent_documents.id"))
    client_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("client_profiles.id"), index=True)
    accepted_at: Mapped[datetime]
    ip_address: Mapped[str | None] = mapped_column(String(45))
    user_agent: Mapped[str | None] = mapped_column(String(300))
