"""Therapist profiles: creation by a clinic admin, edits, deactivation."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from app.clock import utcnow
from app.db.unit_of_work import unit_of_work
from app.directory.exceptions import InvalidProfile, ProfileNotEditable, TherapistNotFound
from app.directory.models import (
    FACETS,
    TherapistLicense,
    TherapistProfile,
    bump_directory_revision,
)
from app.identity.accounts import issue_setup_token, new_user
from app.identity.models import Role, User
from app.identity.security import Security
from app.identity.service import Principal, revoke_all_sessions
from app.preconditions import Precondition, unconditional

# Fields only the clinic may set: credentials it verified, prices, capacity, insurance contracts.
ADMIN_ONLY_FIELDS = frozenset(
    {
        "licenses",
        "risk_trained",
        "max_caseload",
        "self_pay_rate_cents",
        "sliding_scale_min_cents",
        "currency",
        "insurance_plans",
    }
)


def live_therapists() -> Select[TherapistProfile]:
    """A select of therapist profiles whose accounts are not deleted."""
    return (
        select(TherapistProfile)
        .join(User, User.id == TherapistProfile.user_id)
        .where(User.deleted_at.is_(None))
    )


def get_therapist(
    therapist_id: uuid.UUID, *, session: Session, for_update: bool = False
) -> TherapistProfile:
    """Return a listed therapist (locked and re-read `for_update`) or raise TherapistNotFound."""
    query = live_therapists().where(TherapistProfile.id == therapist_id)
    if for_update:
        query = query.with_for_update(of=TherapistProfile).execution_options(populate_existing=True)
    profile = session.scalars(query).one_or_none()
    if profile is None:
        raise TherapistNotFound("No therapist with this id.")
    return profile


def _replace_licenses(profile: TherapistProfile, items: list[dict[str, Any]]) -> None:
    """Make the licenses those listed, updating in place the one of a jurisdiction and type.

    A renewal (same jurisdiction and type, new number or expiry) updates its row: deleting it
    and inserting a new one would insert first and hit the UNIQUE constraint.
    """
    current = {(lic.jurisdiction, lic.license_type): lic for lic in profile.licenses}
    licenses = []
    for item in items:
        license_ = current.pop((item["jurisdiction"], item["license_type"]), None)
        if license_ is None:
            license_ = TherapistLicense(**item)
        else:
            license_.number, license_.expires_on = item["number"], item["expires_on"]
        licenses.append(license_)
    profile.licenses = licenses


def _apply(profile: TherapistProfile, changes: dict[str, Any]) -> None:
    for name, value in changes.items():
        if name == "licenses":
            _replace_licenses(profile, value)
        elif name in FACETS or hasattr(TherapistProfile, name):
            setattr(profile, name, value)
    rate, floor = profile.self_pay_rate_cents, profile.sliding_scale_min_cents
    if floor is not None and rate is None:
        raise InvalidProfile(
            "A sliding-scale minimum needs a self-pay rate.",
            errors={"self_pay_rate_cents": ["Required with sliding_scale_min_cents."]},
        )
    if floor is not None and floor > rate:
        raise InvalidProfile(
            "The sliding-scale minimum cannot exceed the self-pay rate.",
            errors={"sliding_scale_min_cents": [f"Must be at most self_pay_rate_cents ({rate})."]},
        )


def _check_licenses_unique(licenses: list[dict[str, Any]]) -> None:
    seen = set()
    for item in licenses:
        key = (item["jurisdiction"], item["license_type"])
        if key in seen:
            raise InvalidProfile(
                "A license is listed twice.",
                errors={"licenses": [f"Duplicate {key[1]} license in {key[0]}."]},
            )
        seen.add(key)


@unit_of_work
def create_therapist(
    *,
    session: Session,
    security: Security,
    principal: Principal,
    email: str,
    profile: dict[str, Any],
) -> tuple[TherapistProfile, str, datetime]:
    """Create a therapist account and profile in the admin's clinic; return a setup token."""
    _check_licenses_unique(profile.get("licenses", []))
    user = new_user(
        session=session,
        email=email,
        role=Role.THERAPIST,
        clinic_id=principal.user.clinic_id,
    )
    therapist = TherapistProfile(user=user, clinic_id=principal.user.clinic_id)
    therapist.facets = []
    _apply(therapist, {"bio": "", **profile})
    session.add(therapist)
    token, expires_at = issue_setup_token(security, user)
    bump_directory_revision(session=session)
    return therapist, token, expires_at


def may_manage(principal: Principal, therapist: TherapistProfile) -> bool:
    """True for the therapist themself and the admins of their clinic."""
    user = principal.user
    if user.role is Role.ADMIN:
        return user.clinic_id == therapist.clinic_id
    return user.role is Role.THERAPIST and user.id == therapist.user_id


@unit_of_work
def update_therapist(
    *,
    session: Session,
    principal: Principal,
    therapist_id: uuid.UUID,
    changes: dict[str, Any],
    precondition: Precondition = unconditional,
) -> TherapistProfile:
    """Edit a profile: the therapist their own, an admin those of their clinic."""
    therapist = get_therapist(therapist_id, session=session, for_update=True)
    if not may_manage(principal, therapist):
        raise ProfileNotEditable("You may not edit this therapist's profile.")
    precondition(therapist)
    if principal.role is not Role.ADMIN:
        forbidden = sorted(ADMIN_ONLY_FIELDS & changes.keys())
        if forbidden:
            raise ProfileNotEditable(
                "Only a clinic admin may change these fields.",
                errors={name: ["Only a clinic admin may change this field."] for name in forbidden},
            )
    if "licenses" in changes:
        _check_licenses_unique(changes["licenses"])
    _apply(therapist, changes)
    bump_directory_revision(session=session)
    return therapist


@unit_of_work
def deactivate_therapist(
    *, session: Session, principal: Principal, therapist_id: uuid.UUID
) -> None:
    """Remove a therapist of the admin's clinic from the directory and end their sessions."""
    therapist = get_therapist(therapist_id, session=session)
    if not may_manage(principal, therapist):
        raise ProfileNotEditable("Only an admin of the therapist's clinic may deactivate them.")
    therapist.accepting_new_clients = False
    therapist.user.deleted_at = utcnow()
    revoke_all_sessions(session=session, user=therapist.user, reason="account_deactivated")
    bump_directory_revision(session=session)


def managed_therapist(
    principal: Principal, therapist_id: uuid.UUID, *, session: Session, for_update: bool = False
) -> TherapistProfile:
    """Return the therapist if the caller manages them (themself or their clinic's admin)."""
    therapist = get_therapist(therapist_id, session=session, for_update=for_update)
    if not may_manage(principal, therapist):
        raise ProfileNotEditable("Only the therapist or an admin of their clinic may do this.")
    return therapist
