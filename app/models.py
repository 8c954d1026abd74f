"""Import every model so that Base.metadata is complete (Alembic, schema tests)."""

from app.audit import AuditEvent
from app.db import Base
from app.directory.models import (
    ClientProfile,
    Clinic,
    TherapistFacet,
    TherapistLicense,
    TherapistProfile,
)
from app.identity.models import AuthSession, RefreshToken, User

__all__ = [
    "AuditEvent",
    "AuthSession",
    "Base",
    "ClientProfile",
    "Clinic",
    "RefreshToken",
    "TherapistFacet",
    "TherapistLicense",
    "TherapistProfile",
    "User",
]
