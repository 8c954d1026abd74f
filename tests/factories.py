"""Builders for test data, going through the same code paths as the service."""

from __future__ import annotations

import itertools
from datetime import date, timedelta
from typing import Any

import pyotp
from flask.testing import FlaskClient
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from app.clock import utcnow
from app.directory.clinics import create_clinic
from app.directory.models import (
    FACETS,
    ClientProfile,
    Clinic,
    TherapistLicense,
    TherapistProfile,
    bump_directory_revision,
)
from app.identity.accounts import hash_new_password, new_user
from app.identity.models import Role, TotpFactor, User
from app.identity.security import Security
from app.web.extensions import db

PASSWORD = "correct-horse-battery-staple"
_counter = itertools.count(1)


def unique_email(prefix: str) -> str:
    """Return an email address no other test uses."""
    return f"{prefix}{next(_counter)}@example.org"


def make_clinic(session: Session, name: str | None = None, tz: str = "America/New_York") -> Clinic:
    """Create and flush a clinic."""
    clinic = create_clinic(session=session, name=name or f"Clinic {next(_counter)}", timezone=tz)
    session.flush()
    return clinic


def make_user(
    session: Session,
    security: Security,
    role: Role,
    *,
    clinic: Clinic | None = None,
    email: str | None = None,
    password: str = PASSWORD,
) -> User:
    """Create and flush a user with a password."""
    address = email or unique_email(role.value)
    user = new_user(
        session=session,
        email=address,
        password_hash=hash_new_password(security, password, email=address),
        role=role,
        clinic_id=clinic.id if clinic else None,
    )
    user.email_verified_at = utcnow()  # the usual state; unverified accounts are built by tests
    session.flush()
    return user


def make_therapist(
    session: Session,
    security: Security,
    clinic: Clinic,
    *,
    licenses: list[tuple[str, date]] | None = None,
    **fields: Any,
) -> TherapistProfile:
    """Create a therapist with a profile; licenses as (jurisdiction, expires_on) pairs."""
    user = make_user(
        session, security, Role.THERAPIST, clinic=clinic, email=fields.pop("email", None)
    )
    facets = {name: fields.pop(name) for name in list(fields) if name in FACETS}
    profile = TherapistProfile(
        user=user,
        clinic=clinic,
        display_name=fields.pop("display_name", "Dr. Test"),
        timezone=fields.pop("timezone", "America/New_York"),
        bio=fields.pop("bio", ""),
        **fields,
    )
    profile.facets = []
    profile.languages = facets.pop("languages", ["en"])
    profile.formats = facets.pop("formats", ["video"])
    for name, codes in facets.items():
        setattr(profile, name, codes)
    default_expiry = utcnow().date() + timedelta(days=365)
    for jurisdiction, expires_on in licenses or [("US-CA", default_expiry)]:
        profile.licenses.append(
            TherapistLicense(
                jurisdiction=jurisdiction,
                license_type="lcsw",
                number=f"L-{next(_counter)}",
                expires_on=expires_on,
            )
        )
    session.add(profile)
    bump_directory_revision(session=session)
    session.commit()
    return profile


def make_client(session: Session, security: Security, **fields: Any) -> ClientProfile:
    """Create a client with a profile."""
    user = make_user(session, security, Role.CLIENT, email=fields.pop("email", None))
    profile = ClientProfile(
        user=user,
        display_name=fields.pop("display_name", "River"),
        jurisdiction=fields.pop("jurisdiction", "US-CA"),
        timezone=fields.pop("timezone", "America/Los_Angeles"),
        age_group=fields.pop("age_group", "adults"),
        **fields,
    )
    session.add(profile)
    session.commit()
    return profile


# The authenticator secrets the factory enrolled for staff, by email.
TOTP_SECRETS: dict[str, str] = {}


def login(client: FlaskClient, email: str, password: str = PASSWORD) -> dict[str, Any]:
    """Log in through the API; staff complete two-factor authentication as a person would.

    Staff without an authenticator enrol one through the API on first login (the secret is
    kept here); staff with one answer the challenge with a code computed by pyotp.
    """
    response = client.post("/api/v1/auth/login", json={"email": email, "password": password})
    assert response.status_code == 200, response.get_json()
    tokens: dict[str, Any] = response.get_json()
    if tokens["mfa_required"]:
        allow_next_code(client, email)
        answer = client.post(
            "/api/v1/auth/mfa/verify",
            json={"mfa_token": tokens["mfa_token"], "code": totp_now(email)},
        )
        assert answer.status_code == 200, answer.get_json()
        return dict(answer.get_json())
    if tokens["user"]["role"] != Role.CLIENT.value:
        enrol_authenticator(client, tokens, email)
    return tokens


def totp_now(email: str) -> str:
    """The current code of the authenticator the factory enrolled for this person."""
    return pyotp.TOTP(TOTP_SECRETS[email]).now()


def enrol_authenticator(client: FlaskClient, tokens: dict[str, Any], email: str) -> list[str]:
    """Enrol and confirm an authenticator for the logged-in person; return the recovery codes."""
    started = client.post("/api/v1/auth/mfa/totp", headers=bearer(tokens))
    assert started.status_code == 201, started.get_json()
    TOTP_SECRETS[email] = started.get_json()["secret"]
    confirmed = client.post(
        "/api/v1/auth/mfa/totp/confirm", headers=bearer(tokens), json={"code": totp_now(email)}
    )
    assert confirmed.status_code == 200, confirmed.get_json()
    codes: list[str] = confirmed.get_json()["recovery_codes"]
    return codes


def allow_next_code(client: FlaskClient, email: str) -> None:
    """Forget the last code step the person used: as if the next 30-second step had come.

    A code works once, so a test that logs the same person in twice within one step would
    otherwise be refused, exactly as a replay should be.
    """
    with client.application.app_context():
        user_id = select(User.id).where(User.email == email).scalar_subquery()
        db.session.execute(
            update(TotpFactor).where(TotpFactor.user_id == user_id).values(last_used_step=None)
        )
        db.session.commit()


def bearer(tokens: dict[str, Any] | str) -> dict[str, str]:
    """Authorization header for an access token or a token response."""
    token = tokens if isinstance(tokens, str) else tokens["access_token"]
    return {"Authorization": f"Bearer {token}"}


def auth_headers(client: FlaskClient, user: User) -> dict[str, str]:
    """Log the user in and return their Authorization header."""
    return bearer(login(client, user.email))
