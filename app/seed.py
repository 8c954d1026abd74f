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
from app.vocabularies import COMMUNITIES, CONCERNS, INSURANCE_PLANS, LANGUAGES, MODALITIES


class MoreDemoData(Protocol):
    """Another package's demo data, added in the same transaction."""

    def __call__(self, *, session: Session) -> object: ...


DEMO_PASSWORD = "demo-password-2026"  # noqa: S105 - published demo password
SEED = 2026
THERAPIST_COUNT = 44
LOGIN_THERAPISTS = 3

# (name, time zone, email subdomain of its admin, the states its therapists mainly practise in)
CLINICS = (
    ("Harbor Light Counseling", "America/New_York", "harborlight", ("NY", "FL", "MA", "IL")),
    ("Sierra Vista Wellness", "America/Los_Angeles", "sierravista", ("CA", "WA", "TX", "CO")),
)
# state: (time zone, the professional-counselor license the state issues)
STATES = {
    "NY": ("America/New_York", "lmhc"), "FL": ("America/New_York", "lmhc"),
    "MA": ("America/New_York", "lmhc"), "IL": ("America/Chicago", "lpc"),
    "CA": ("America/Los_Angeles", "lpcc"), "WA": ("America/Los_Angeles", "lmhc"),
    "TX": ("America/Chicago", "lpc"), "CO": ("America/Denver", "lpc"),
}  # fmt: skip
LICENSE_PREFIX = {"psychologist": "PSY", "lcsw": "LCSW", "lmft": "LMFT", "lpc": "LPC",
                  "lpcc": "LPCC", "lmhc": "LMHC"}  # fmt: skip
# Therapists (1-based) who also hold one expired license, to exercise the license filter.
EXPIRED_LICENSE_HOLDERS = frozenset({5, 18, 31})

# "Name:gender[:extra languages]"; pronouns follow from the gender.
PEOPLE = """
Maya Chen:woman:zh | Daniel Okafor:man | Sofia Ramirez:woman:es | James Whitfield:man
Priya Raman:woman:hi | Marcus Johnson:man | Elena Petrova:woman:ru | Luis Hernandez:man:es
Aisha Rahman:woman:ar | Noah Goldberg:man | Linh Nguyen:woman:vi | Jordan Reyes:non_binary:es
Grace Kim:woman:ko | Jean-Paul Baptiste:man:fr | Carmen Delgado:woman:es | Robert Sullivan:man
Hannah Weiss:woman | Miguel Torres:man:es | Fatima Haddad:woman:ar fr | Ethan Brooks:man
Rosa Villanueva:woman:tl es | Kevin Tran:man:vi | Olivia Martinez:woman:es
Riley Nakamura:non_binary | Isabela Costa:woman:pt es | David Park:man:ko | Andre Silva:man:pt
Nicole Washington:woman | Rachel Levine:woman | Carlos Mendoza:man:es | Wei Zhang:man:zh
Lauren O'Brien:woman | Anjali Patel:woman:hi | Michael Rossi:man | Valeria Gutierrez:woman:es
Theo Bennett:transgender_man | Jasmine Carter:transgender_woman | Ana Lucia Flores:woman:es
Benjamin Cohen:man | Mei Lin Wong:woman:zh | Omar Farouk:man:ar | Sarah Mitchell:woman
Diego Castillo:man:es | Emily Thompson:woman:es
"""
PRONOUNS = {"woman": "she/her", "man": "he/him", "non_binary": "they/them",
            "transgender_woman": "she/her", "transgender_man": "he/him"}  # fmt: skip

# (pseudonym, state, age group)
CLIENTS = (
    ("River", "CA", "adults"), ("Sam", "NY", "adults"), ("Alex", "TX", "young_adults"),
    ("Jordan", "FL", "adults"), ("Morgan", "WA", "adults"), ("Casey", "IL", "adults"),
)  # fmt: skip

FOCUS = {
    "anxiety": "anxiety, panic and constant worry",
    "depression": "depression and low mood",
    "trauma": "trauma and PTSD, including childhood and medical trauma",
    "grief": "grief after the loss of someone close",
    "relationships": "relationship struggles and communication breakdowns",
    "family": "family conflict and strained parent-child relationships",
    "stress": "work stress and burnout",
    "ocd": "OCD, intrusive thoughts and compulsions",
    "adhd": "adult ADHD, focus and procrastination",
    "bipolar": "bipolar disorder and mood swings",
    "eating": "eating disorders and body image concerns",
    "substance_use": "substance use and recovery",
    "sleep": "insomnia and sleep problems",
    "self_esteem": "low self-esteem and harsh self-criticism",
    "identity": "questions of gender and sexual identity",
    "life_transitions": "life transitions such as moves, career changes and new parenthood",
    "anger": "anger and irritability",
    "chronic_illness": "chronic illness and chronic pain",
    "perinatal": "pregnancy, postpartum depression and the transition to parenthood",
    "suicidal_thoughts": "suicidal thoughts and emotional crises",
}
APPROACH = {
    "cbt": "cognitive behavioral therapy (CBT)",
    "dbt": "dialectical behavior therapy (DBT) skills",
    "emdr": "EMDR",
    "act": "acceptance and commitment therapy (ACT)",
    "psychodynamic": "psychodynamic exploration of long-standing patterns",
    "ipt": "interpersonal therapy",
    "mbct": "mindfulness-based cognitive therapy",
    "erp": "exposure and response prevention (ERP)",
    "cpt": "cognitive processing therapy",
    "pe": "prolonged exposure",
    "solution_focused": "solution-focused brief therapy",
    "person_centered": "a person-centered, client-led style",
    "gottman": "the Gottman Method",
    "eft": "emotionally focused therapy",
    "motivational_interviewing": "motivational interviewing",
    "family_systems": "family systems work",
}
# The modality a therapist with that main focus most likely practises.
AFFINITY = {"ocd": "erp", "trauma": "emdr", "relationships": "gottman", "family": "family_systems",
            "substance_use": "motivational_interviewing", "anxiety": "cbt", "depression": "cbt",
            "suicidal_thoughts": "dbt", "grief": "person_centered", "eating": "dbt"}  # fmt: skip
COMMUNITY_PHRASES = {
    "lgbtq": "LGBTQ+ clients", "bipoc": "BIPOC clients",
    "veterans": "veterans and military families",
    "faith_based": "clients who want their faith honored in therapy",
    "immigrants": "immigrants and refugees", "disability": "people living with disabilities",
    "first_responders": "first responders", "healthcare_workers": "healthcare workers",
    "students": "college students",
}  # fmt: skip
FOCUS_SENTENCES = (
    "I work with people facing {a}, and I also often help with {b}.",
    "Most of the people I see come to me for help with {a}, or with {b}.",
    "My practice centers on {a}, and I also have deep experience with {b}.",
    "I specialize in {a}, as well as {b}.",
)
APPROACH_SENTENCES = (
    "My approach is grounded in {m}.",
    "In our sessions I draw on {m}, tailored to your goals.",
    "I use {m} to help you build practical skills and lasting change.",
)
WARM_SENTENCES = (
    "I aim to offer a warm, nonjudgmental space where you can be fully yourself.",
    "Therapy with me is collaborative, practical and paced to what feels right for you.",
    "I believe everyone has strengths to build on, and I will meet you where you are.",
    "Expect a down-to-earth, compassionate partner who is curious about your story.",
    "Together we will set clear goals and check in often on what is helping.",
    "I bring humor, honesty and steady support to our work together.",
)


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
    check_password_rules(DEMO_PASSWORD, email=user.email)
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
