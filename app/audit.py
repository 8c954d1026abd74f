"""Audit log of reads and changes of protected health information."""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from datetime import datetime

from sqlalchemy import ForeignKey, Index, String
from sqlalchemy.orm import Mapped, Session, mapped_column

from app.clock import utcnow
from app.db.base import Base, UUIDPrimaryKey
from app.logs import current_request_id


class AuditEvent(UUIDPrimaryKey, Base):
    """Someone read or changed protected health information."""

    __tablename__ = "audit_events"
    __table_args__ = (
        Index(None, "resource_type", "resource_id"),
        Index(None, "subject_client_id", "at"),
        Index(None, "clinic_id", "at"),
    )

    at: Mapped[datetime]
    actor_user_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("users.id"), index=True)
    action: Mapped[str] = mapped_column(String(40))
    resource_type: Mapped[str] = mapped_column(String(40))
    resource_id: Mapped[uuid.UUID]
    request_id: Mapped[str | None] = mapped_column(String(64))
    # Whose health information it is (None: clinic-level data such as a report).
    subject_client_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("client_profiles.id"))
    # The clinic whose care it concerns (the appointment's or the actor's clinic).
    clinic_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("clinics.id"))


def record_phi_access(
    *,
    session: Session,
    actor_id: uuid.UUID | None,
    action: str,
    resource_type: str,
    resource_id: uuid.UUID,
    subject_client_id: uuid.UUID | None = None,
    clinic_id: uuid.UUID | None = None,
) -> AuditEvent:
    """Add an audit event to the session; it commits with the use case that caused it."""
    event = AuditEvent(
        at=utcnow(),
        actor_user_id=actor_id,
        action=action,
        resource_type=resource_type,
        resource_id=resource_id,
        request_id=current_request_id(),
        subject_client_id=subject_client_id,
        clinic_id=clinic_id,
    )
    session.add(event)
    return event


def record_list_read(
    *,
    session: Session,
    actor_id: uuid.UUID | None,
    resource_type: str,
    subjects: Iterable[tuple[uuid.UUID | None, uuid.UUID | None]],
    scope_id: uuid.UUID,
    scope_clinic_id: uuid.UUID | None = None,
) -> None:
    """Audit a list read: one row per (client, clinic) shown, the client's id as the resource.

    A schedule of 30 sessions with 12 clients writes 12 rows; a list that showed nobody writes
    one row about its scope (the therapist or person whose list it was), so the look is known.
    """
    shown: set[tuple[uuid.UUID, uuid.UUID | None]] = set()
    for client_id, clinic_id in subjects:
        if client_id is not None:
            shown.add((client_id, clinic_id))
    if not shown:
        record_phi_access(
            session=session,
            actor_id=actor_id,
            action="list",
            resource_type=resource_type,
            resource_id=scope_id,
            clinic_id=scope_clinic_id,
        )
    for client_id, clinic_id in sorted(shown, key=str):
        record_phi_access(
            session=session,
            actor_id=actor_id,
            action="list",
            resource_type=resource_type,
            resource_id=client_id,
            subject_client_id=client_id,
            clinic_id=clinic_id,
        )
