"""Clinics and their admin accounts."""

from __future__ import annotations

import re
import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.db.unit_of_work import unit_of_work
from app.directory.exceptions import ClinicNotFound
from app.directory.models import Clinic
from app.exceptions import Conflict
from app.identity.accounts import issue_setup_token, new_user
from app.identity.models import Role, User
from app.identity.security import Security
from app.identity.service import Principal
from app.preconditions import Precondition, unconditional


def slugify(name: str) -> str:
    """Return a URL-safe slug for a clinic name."""
    return re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")[:80] or "clinic"


def create_clinic(*, session: Session, name: str, timezone: str) -> Clinic:
    """Create a clinic (operator bootstrap; no commit)."""
    slug = slugify(name)
    if session.scalar(select(Clinic.id).where(Clinic.slug == slug)) is not None:
        raise Conflict(f"A clinic named {name!r} already exists.")
    clinic = Clinic(name=name, slug=slug, timezone=timezone)
    session.add(clinic)
    return clinic


def list_clinics(*, session: Session) -> list[Clinic]:
    """Return every clinic by name."""
    return list(session.scalars(select(Clinic).order_by(Clinic.name)))


def get_clinic(clinic_id: uuid.UUID, *, session: Session, for_update: bool = False) -> Clinic:
    """Return a clinic (locked and re-read `for_update`) or raise ClinicNotFound."""
    clinic = session.get(
        Clinic, clinic_id, with_for_update=for_update, populate_existing=for_update
    )
    if clinic is None:
        raise ClinicNotFound("No clinic with this id.")
    return clinic


def managed_clinic(
    principal: Principal, clinic_id: uuid.UUID, *, session: Session, for_update: bool = False
) -> Clinic:
    """Return the clinic if the caller administers it; otherwise it does not exist for them."""
    if principal.user.role is not Role.ADMIN or principal.user.clinic_id != clinic_id:
        raise ClinicNotFound("No clinic with this id among those you manage.")
    return get_clinic(clinic_id, session=session, for_update=for_update)


@unit_of_work
def update_clinic(
    *,
    session: Session,
    principal: Principal,
    clinic_id: uuid.UUID,
    changes: dict[str, Any],
    precondition: Precondition = unconditional,
) -> Clinic:
    """Edit the caller's clinic."""
    clinic = managed_clinic(principal, clinic_id, session=session, for_update=True)
    precondition(clinic)
    for name, value in changes.items():
        setattr(clinic, name, value)
    return clinic


@unit_of_work
def create_clinic_admin(
    *,
    session: Session,
    security: Security,
    principal: Principal,
    clinic_id: uuid.UUID,
    email: str,
) -> tuple[User, str, datetime]:
    """Create another admin of the caller's clinic; return the one-time setup token."""
    clinic = managed_clinic(principal, clinic_id, session=session)
    user = new_user(session=session, email=email, role=Role.ADMIN, clinic_id=clinic.id)
    token, expires_at = issue_setup_token(security, user)
    return user, token, expires_at


@unit_of_work
def bootstrap_clinic(
    *, session: Session, security: Security, name: str, timezone: str, admin_email: str
) -> tuple[Clinic, User, str, datetime]:
    """Create a clinic and its first admin (operator bootstrap); return the admin's setup token."""
    clinic = create_clinic(session=session, name=name, timezone=timezone)
    session.flush()
    admin = new_user(session=session, email=admin_email, role=Role.ADMIN, clinic_id=clinic.id)
    token, expires_at = issue_setup_token(security, admin)
    return clinic, admin, token, expires_at
