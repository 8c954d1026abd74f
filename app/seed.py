"""Demo data: two clinics, their admins, a directory of therapists and a few clients."""

from __future__ import annotations

import random
import uuid
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any, Protocol

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.clock import utcnow
from app.db.unit_of_work import unit_of_work
from app.directory.clinics import create_clinic, slugify
from app.directory.models import (
    ClientProfile,
    Clinic,
    TherapistLicense,
    TherapistProfile,
    bump_directory_revision,
)
from app.identity.accounts import new_user
from app.identity.models import Role, User
from app.identity.passwords import check_password_rules
from app.identity.security import Security
from app.seed_data import (
    AFFINITY,
    APPROACH,
    APPROACH_SENTENCES,
    CLIENTS,
    CLINICS,
    COMMUNITY_PHRASES,
    EXPIRED_LICENSE_HOLDERS,
    FOCUS,
    FOCUS_SENTENCES,
    LICENSE_PREFIX,
    PEOPLE,
    PRONOUNS,
    STATES,
    WARM_SENTENCES,
)
from app.vocabularies import COMMUNITIES, CONCERNS, INSURANCE_PLANS, LANGUAGES, MODALITIES


class MoreDemoData(Protocol):
    """Another package's demo data, added in the same transaction."""

    def __call__(self, *, session: Session) -> object: ...


DEMO_PASSWORD = "demo-password-2026"  # noqa: S105 - published demo password
SEED = 2026
THERAPIST_COUNT = 44
LOGIN_THERAPISTS = 3


@dataclass(frozen=True)
class SeedResult:
    """What seeding did, with the demo logins to print (role, email)."""

    created: bool
    summary: str
    logins: list[tuple[str, str]]


def _people() -> list[tuple[str, str, list[str]]]:
    entries = [e.strip() for line in PEOPLE.strip().splitlines() for e in line.split("|")]
    people = []
    for entry in entries:
        name, gender, *extra = entry.split(":")
        people.append((name, gender, extra[0].split() if extra else []))
    return people


def _therapist_email(number: int) -> str:
    return f"therapist{number:02d}@demo.example.com"


def demo_logins() -> list[tuple[str, str]]:
    """The (role, email) pairs to show for the demo: admins, a few therapists, the clients."""
    logins = [("admin", f"admin@{sub}.example.com") for _, _, sub, _ in CLINICS]
    logins += [("therapist", _therapist_email(n)) for n in range(1, LOGIN_THERAPISTS + 1)]
    logins += [("client", f"client{n}@demo.example.com") for n in range(1, len(CLIENTS) + 1)]
    return logins


def _add_user(
    session: Session,
    security: Security,
    password_hash: str,
    *,
    email: str,
    role: Role,
    clinic_id: uuid.UUID | None = None,
) -> User:
    user = new_user(session=session, email=email, role=role, clinic_id=clinic_id)
    check_password_rules(DEMO_PASSWORD, email=user.email, screen=security.screen)
    user.email_verified_at = utcnow()  # demo people have working addresses
    user.password_hash = password_hash
    return user


def _licenses(
    rng: random.Random, number: int, kind: str, home: str, today: date
) -> list[TherapistLicense]:
    elsewhere = [s for s in STATES if s != home]
    states = [home, *rng.sample(elsewhere, rng.choice((0, 0, 1, 2)))]
    expired_one = number in EXPIRED_LICENSE_HOLDERS
    if expired_one and len(states) == 1:
        states.append(rng.choice(elsewhere))
    licenses = []
    for state in states:
        code = STATES[state][1] if kind == "counselor" else kind
        expired = expired_one and state == states[-1]
        days = -rng.randint(10, 200) if expired else rng.randint(365, 3 * 365)
        number_text = f"{LICENSE_PREFIX[code]}-{rng.randint(100000, 999999)}"
        licenses.append(
            TherapistLicense(
                jurisdiction=state,
                license_type=code,
                number=number_text,
                expires_on=today + timedelta(days=days),
            )
        )
    return licenses


def _credentials(rng: random.Random, kind: str, home: str) -> str:
    if kind == "psychologist":
        return f"{rng.choice(('PhD', 'PsyD'))}, Licensed Psychologist"
    if kind == "counselor":
        return f"{rng.choice(('MA', 'MS'))}, {STATES[home][1].upper()}"
    return {"lcsw": "LCSW", "lmft": "MA, LMFT"}[kind]


def _bio(
    rng: random.Random,
    specialties: list[str],
    modalities: list[str],
    communities: list[str],
    extra_languages: list[str],
) -> str:
    focus = rng.choice(FOCUS_SENTENCES).format(a=FOCUS[specialties[0]], b=FOCUS[specialties[1]])
    approach = " and ".join(APPROACH[m] for m in modalities[:2])
    sentences = [focus, rng.choice(APPROACH_SENTENCES).format(m=approach)]
    sentences.append(rng.choice(WARM_SENTENCES))
    extras = []
    if communities:
        who = COMMUNITY_PHRASES[communities[0]]
        extras.append(f"I have a particular passion for working with {who}.")
    if extra_languages:
        names = " and ".join(LANGUAGES[code] for code in extra_languages)
        extras.append(f"Sessions are available in English and {names}.")
    if extras:
        sentences.append(rng.choice(extras))
    return " ".join(sentences)


def _sliding_scale_floor(rng: random.Random, rate: int) -> int | None:
    """None for half the therapists, else 40-80% of the rate in steps of $5."""
    if rng.random() < 0.5:
        return None
    lowest, highest = -(-rate * 40 // 50000), rate * 80 // 50000
    return rng.randint(lowest, highest) * 500


def _therapist(
    rng: random.Random, number: int, person: tuple[str, str, list[str]], home: str, today: date
) -> TherapistProfile:
    name, gender, extra_languages = person
    kind = rng.choices(("psychologist", "lcsw", "counselor", "lmft"), weights=(25, 30, 30, 15))[0]
    risk_trained = rng.random() < 0.3
    concerns = [c for c in CONCERNS if risk_trained or c != "suicidal_thoughts"]
    specialties = rng.sample(concerns, rng.randint(2, 6))
    modalities = [AFFINITY[specialties[0]]] if specialties[0] in AFFINITY else []
    others = [m for m in MODALITIES if m not in modalities]
    modalities += rng.sample(others, max(rng.randint(1, 4) - len(modalities), 0))
    communities = rng.sample(list(COMMUNITIES), rng.choice((0, 0, 1, 1, 2, 3)))
    if gender not in {"woman", "man"} and "lgbtq" not in communities:
        communities = ["lgbtq", *communities[:2]]
    rate = rng.randrange(9000, 25001, 500)
    photo = f"https://demo.example.com/photos/therapist{number:02d}.jpg"
    profile = TherapistProfile(
        display_name=name,
        pronouns=PRONOUNS[gender],
        gender=gender,
        credentials=_credentials(rng, kind, home),
        bio=_bio(rng, specialties, modalities, communities, extra_languages),
        photo_url=None if rng.random() < 0.3 else photo,
        timezone=STATES[home][0],
        currency="USD",
        self_pay_rate_cents=rate,
        sliding_scale_min_cents=_sliding_scale_floor(rng, rate),
        accepting_new_clients=rng.random() >= 0.15,
        max_caseload=rng.randint(15, 35),
        risk_trained=risk_trained,
        licenses=_licenses(rng, number, kind, home, today),
    )
    profile.facets = []
    profile.specialties = specialties
    profile.modalities = modalities
    profile.languages = ["en", *extra_languages]
    profile.communities = communities
    age_groups = rng.sample(["adults", "young_adults", "older_adults"], rng.randint(1, 2))
    profile.age_groups = age_groups + (["teens"] if rng.random() < 0.12 else [])
    profile.insurance_plans = rng.sample(list(INSURANCE_PLANS), rng.randint(0, 5))
    profile.formats = rng.choice((["video"], ["video", "phone"]))
    return profile


def _summary(session: Session) -> str:
    def count(column: Any) -> int:
        return session.scalar(select(func.count(column))) or 0

    clinics, therapists = count(Clinic.id), count(TherapistProfile.id)
    states, clients = count(TherapistLicense.jurisdiction.distinct()), count(ClientProfile.id)
    return (
        f"{clinics} clinics, {therapists} therapists in {states} jurisdictions, {clients} clients"
    )


def _add_therapists(
    session: Session, security: Security, password_hash: str, clinics: dict[str, Clinic]
) -> None:
    rng = random.Random(SEED)  # noqa: S311 - deterministic demo data, not secrets
    today = utcnow().date()
    for number, person in enumerate(_people()[:THERAPIST_COUNT], start=1):
        home = list(STATES)[(number - 1) % len(STATES)]
        clinic = clinics[home]
        email = _therapist_email(number)
        user = _add_user(
            session, security, password_hash, email=email, role=Role.THERAPIST, clinic_id=clinic.id
        )
        profile = _therapist(rng, number, person, home, today)
        profile.user, profile.clinic = user, clinic
        session.add(profile)


def seed_demo_data(
    *, session: Session, security: Security, also: MoreDemoData | None = None
) -> SeedResult:
    """Create the demo data in one transaction, unless it is already there."""
    first_slug = slugify(CLINICS[0][0])
    if session.scalar(select(Clinic.id).where(Clinic.slug == first_slug)) is not None:
        return SeedResult(created=False, summary=_summary(session), logins=demo_logins())
    password_hash = security.passwords.hash(DEMO_PASSWORD)  # slow: before the write lock
    _create_demo_data(session=session, security=security, password_hash=password_hash, also=also)
    return SeedResult(created=True, summary=_summary(session), logins=demo_logins())


@unit_of_work
def _create_demo_data(
    *,
    session: Session,
    security: Security,
    password_hash: str,
    also: MoreDemoData | None,
) -> None:
    clinics: dict[str, Clinic] = {}
    for name, timezone, sub, states in CLINICS:
        clinic = create_clinic(session=session, name=name, timezone=timezone)
        clinic.calendar_name = name.rsplit(" ", 1)[0]  # "Harbor Light": no clinical words
        session.flush()
        email = f"admin@{sub}.example.com"
        _add_user(
            session, security, password_hash, email=email, role=Role.ADMIN, clinic_id=clinic.id
        )
        clinics.update(dict.fromkeys(states, clinic))
    _add_therapists(session, security, password_hash, clinics)
    for number, (pseudonym, state, age_group) in enumerate(CLIENTS, start=1):
        email = f"client{number}@demo.example.com"
        user = _add_user(session, security, password_hash, email=email, role=Role.CLIENT)
        client = ClientProfile(
            user=user,
            display_name=pseudonym,
            age_group=age_group,
            jurisdiction=state,
            timezone=STATES[state][0],
        )
        session.add(client)
    bump_directory_revision(session=session)
    if also is not None:
        session.flush()
        also(session=session)  # other packages' demo data, in the same transaction
