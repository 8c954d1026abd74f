"""Demo seeding: what it creates, that every demo login works, and that it runs only once."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.directory.models import ClientProfile, Clinic, TherapistLicense, TherapistProfile
from app.identity.models import Role, User
from app.identity.security import Security
from app.seed import DEMO_PASSWORD, seed_demo_data


def _number(session: Session, statement: Any) -> int:
    return session.scalar(statement) or 0


def _count(session: Session, entity: Any) -> int:
    return _number(session, select(func.count()).select_from(entity))


def _counts(session: Session) -> dict[str, int]:
    return {
        "clinics": _count(session, Clinic),
        "users": _count(session, User),
        "therapists": _count(session, TherapistProfile),
        "licenses": _count(session, TherapistLicense),
        "clients": _count(session, ClientProfile),
    }


def test_seed_creates_clinics_admins_therapists_and_clients(
    session: Session, security: Security
) -> None:
    result = seed_demo_data(session=session, security=security)

    assert result.created
    counts = _counts(session)
    assert counts["clinics"] == 2
    assert counts["therapists"] >= 40
    assert counts["clients"] >= 1
    jurisdictions = select(func.count(TherapistLicense.jurisdiction.distinct()))
    assert _number(session, jurisdictions) >= 6
    admins_per_clinic = dict(
        session.execute(
            select(Clinic.id, func.count(User.id))
            .outerjoin(User, (User.clinic_id == Clinic.id) & (User.role == Role.ADMIN))
            .group_by(Clinic.id)
        ).all()
    )
    assert sorted(admins_per_clinic.values()) == [1, 1]


def test_every_therapist_holds_a_license_in_force_and_some_hold_an_expired_one(
    session: Session, security: Security
) -> None:
    seed_demo_data(session=session, security=security)
    today = date.today()

    without_valid = session.scalar(
        select(func.count())
        .select_from(TherapistProfile)
        .where(~TherapistProfile.licenses.any(TherapistLicense.expires_on >= today))
    )
    expired = (
        select(func.count())
        .select_from(TherapistLicense)
        .where(TherapistLicense.expires_on < today)
    )
    assert without_valid == 0
    assert _number(session, expired) >= 2


def test_every_demo_login_verifies_with_the_demo_password(
    session: Session, security: Security
) -> None:
    result = seed_demo_data(session=session, security=security)

    assert {role for role, _ in result.logins} == {"admin", "therapist", "client"}
    for role, email in result.logins:
        user = session.scalar(select(User).where(User.email == email))
        assert user is not None, email
        assert user.role is Role(role)
        assert security.passwords.verify(user.password_hash, DEMO_PASSWORD), email


def test_seeding_twice_creates_nothing_the_second_time(
    session: Session, security: Security
) -> None:
    first = seed_demo_data(session=session, security=security)
    before = _counts(session)

    second = seed_demo_data(session=session, security=security)

    assert first.created
    assert not second.created
    assert second.logins == first.logins
    assert _counts(session) == before
