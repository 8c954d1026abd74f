"""Audit log of reads and changes of protected health information."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import ForeignKey, Index, String
from sqlalchemy.orm import Mapped, Session, mapped_column

from app.clock import utcnow
from app.db.base import Base, UUIDPrimaryKey
from app.logs import current_request_id


class AuditEvent(UUIDPrimaryKey, Base):
    """Someone read or changed protected health information."""

    __tablename__ = "audit_events"
    __table_args__ = (Index(None, "resource_type", "resource_id"),)

    at: Mapped[datetime]
    actor_user_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("users.id"), index=True)
    action: Mapped[str] = mapped_column(String(40))
    resource_type: Mapped[str] = mapped_column(String(40))
    resource_id: Mapped[uuid.UUID]
    request_id: Mapped[str | None] = mapped_column(String(64))


def record_phi_access(
    *,
    session: Session,
    actor_id: uuid.UUID | None,
    action: str,
    resource_type: str,
    resource_id: uuid.UUID,
) -> AuditEvent:
    """Add an audit event to the session; it commits with the use case that caused it."""
    event = AuditEvent(
        at=utcnow(),
        actor_user_id=actor_id,
        action=action,
        resource_type=resource_type,
        resource_id=resource_id,
        request_id=current_request_id(),
    )
    session.add(event)
    return event
