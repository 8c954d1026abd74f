"""Client accounts: self-registration, own profile, account deletion."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.audit import record_phi_access
from app.clock import utcnow
from app.db.unit_of_work import unit_of_work
from app.directory.ages import age_on
from app.directory.exceptions import InvalidProfile
from app.directory.models import ClientProfile, TherapistProfile
from app.identity.accounts import hash_new_password, new_user, normalize_email
from app.identity.links.verification import send_verification
from app.identity.models import Role, User
from app.identity.security import Security
from app.identity.service import Principal, TokenPair, revoke_all_sessions, start_session
from app.mail.delivery import drop_queued_mail
from app.outbox.queue import enqueue
from app.preconditions import Precondition, unconditional
from app.privacy_rights.erasure import ErasureRegistry
from app.privacy_rights.export import Subject

MINIMUM_AGE = 18
ACCOUNT_ERASED = "account.erased"  # payload: client_id, user_id
MINOR_AGE_GROUPS = frozenset({"children", "teens"})


def _check_adult(fields: dict[str, Any]) -> None:
    born = fields.get("date_of_birth")
    today = utcnow().date()
    if born is not None:
        if born > today:
            raise InvalidProfile(
                "Invalid date of birth.", errors={"date_of_birth": ["Is in the future."]}
            )
        if age_on(born, today) < MINIMUM_AGE:
            raise InvalidProfile(
                "Clients must be adults to register themselves.",
                errors={"date_of_birth": [f"You must be at least {MINIMUM_AGE} to register."]},
            )
    if fields.get("age_group") in MINOR_AGE_GROUPS:
        raise InvalidProfile(
            "Clients must be adults to register themselves.",
            errors={"age_group": ["Minors are registered by a guardian through their clinic."]},
        )


def register_client(
    *, session: Session, security: Security, email: str, password: str, profile: dict[str, Any]
) -> TokenPair:
    """Create a client account with its profile and log it in."""
    if profile.get("date_of_birth") is None and profile.get("age_group") is None:
        raise InvalidProfile(
            "Give a date of birth or an age group.",
            errors={"age_group": ["Required when date_of_birth is not given."]},
        )
    _check_adult(profile)
    email = normalize_email(email)
    password_hash = hash_new_password(security, password, email=email)  # slow: before the lock
    return _create_client(
        session=session,
        security=security,
        email=email,
        password_hash=password_hash,
        profile=profile,
    )


@unit_of_work
def _create_client(
    *,
    session: Session,
    security: Security,
    email: str,
    password_hash: str,
    profile: dict[str, Any],
) -> TokenPair:
    user = new_user(session=session, email=email, password_hash=password_hash, role=Role.CLIENT)
    session.add(ClientProfile(user=user, **profile))
    session.flush()
    send_verification(session=session, security=security, user=user)
    return start_session(session=session, security=security, user=user)


@unit_of_work
def own_client_profile(*, session: Session, principal: Principal) -> ClientProfile | None:
    """Return the caller's client profile (a PHI read, audit-logged)."""
    return _read_client_profile(session, principal)


def _read_client_profile(session: Session, principal: Principal) -> ClientProfile | None:
    profile = session.scalars(
        select(ClientProfile).where(ClientProfile.user_id == principal.user.id)
    ).one_or_none()
    if profile is None:
        return None
    record_phi_access(
        session=session,
        actor_id=principal.user.id,
        action="read",
        resource_type="client_profile",
        resource_id=profile.id,
        subject_client_id=profile.id,
    )
    return profile


@unit_of_work
def update_client_profile(
    *,
    session: Session,
    principal: Principal,
    changes: dict[str, Any],
    precondition: Precondition = unconditional,
) -> ClientProfile:
    """Apply changes to the caller's client profile (`precondition` sees the account as read)."""
    _check_adult(changes)
    profile = session.scalars(
        select(ClientProfile)
        .where(ClientProfile.user_id == principal.user.id)
        .with_for_update()
        .execution_options(populate_existing=True)
    ).one()
    precondition(account_overview(principal, client_profile=profile))
    for name, value in changes.items():
        setattr(profile, name, value)
    record_phi_access(
        session=session,
        actor_id=principal.user.id,
        action="update",
        resource_type="client_profile",
        resource_id=profile.id,
        subject_client_id=profile.id,
    )
    return profile


@unit_of_work
def delete_client_account(
    *, session: Session, principal: Principal, erasers: ErasureRegistry | None = None
) -> None:
    """Close the caller's account: scrub personal data, free the email, end every session.

    Mail still queued to the person is dropped here; `account.erased` tells the packages that
    hold the person's plans (scheduling cancels future appointments and gives up group seats).
    """
    user: User = principal.user
    profile = session.scalars(select(ClientProfile).where(ClientProfile.user_id == user.id)).one()
    profile.display_name, profile.legal_name, profile.date_of_birth = "Deleted client", None, None
    record_phi_access(
        session=session,
        actor_id=user.id,
        action="delete",
        resource_type="client_profile",
        resource_id=profile.id,
        subject_client_id=profile.id,
    )
    drop_queued_mail(session=session, to=user.email)
    if erasers is not None:
        erasers.erase(session, Subject(user.id, profile.id, user.email))
    enqueue(
        session=session,
        topic=ACCOUNT_ERASED,
        dedupe_key=f"{ACCOUNT_ERASED}:{profile.id}",
        payload={"client_id": str(profile.id), "user_id": str(user.id)},
    )
    user.email = f"deleted+{user.id.hex}@invalid.example"
    user.password_hash = None
    user.deleted_at = utcnow()
    revoke_all_sessions(session=session, user=user, reason="account_deleted")


@unit_of_work
def own_account(*, session: Session, principal: Principal) -> dict[str, Any]:
    """Return the caller's account with their client or therapist profile (audit-logged)."""
    user = principal.user
    overview = account_overview(principal)
    if user.role is Role.CLIENT:
        overview["client_profile"] = _read_client_profile(session, principal)
        return overview
    record_phi_access(  # staff reading their own account: kept so the log has every /me read
        session=session,
        actor_id=user.id,
        action="read",
        resource_type="account",
        resource_id=user.id,
        clinic_id=user.clinic_id,
    )
    if user.role is Role.THERAPIST:
        overview["therapist_profile"] = session.scalars(
            select(TherapistProfile).where(TherapistProfile.user_id == user.id)
        ).one_or_none()
    return overview


def account_overview(
    principal: Principal,
    *,
    client_profile: ClientProfile | None = None,
    therapist_profile: TherapistProfile | None = None,
) -> dict[str, Any]:
    """The caller's account as GET /me shows it."""
    return {
        "user": principal.user,
        "client_profile": client_profile,
        "therapist_profile": therapist_profile,
    }
