"""A seeded synthetic population with hidden truth, for offline evaluation and benchmarks. Pure.

Therapists carry what the directory lists, current load, open hours over the next HORIZON_DAYS
and a hidden true effectiveness per domain, from which past outcomes are sampled with noise (and
very unevenly: many therapists have a handful of cases, a few have dozens). Clients carry hidden
preferences and the partial intake derived from them. Relevance is graded from the hidden truth
alone. Every draw comes from numpy Generators spawned from one seed, never the global state.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import cached_property, lru_cache
from zoneinfo import ZoneInfo

import numpy as np
from scipy import sparse

from app.vocabularies import CONCERNS, MODALITIES
from matching.ranking.catalog import TherapistRecord
from matching.ranking.effectiveness import CONCERN_DOMAINS, DOMAINS

START = datetime(2026, 3, 2, 13, tzinfo=UTC)  # "now" for the default population (on the hour)
HORIZON_DAYS = 14
HOURS = HORIZON_DAYS * 24
CASE_NOISE = 5.0  # sd of one client's improvement around the therapist's true mean
JURISDICTIONS = {"CA": 35, "NY": 20, "TX": 12, "FL": 10, "WA": 6, "IL": 5, "MA": 4, "CO": 3}
JURISDICTIONS |= {"GA": 3, "AZ": 2}
ZONES = {"CA": "America/Los_Angeles", "WA": "America/Los_Angeles", "TX": "America/Chicago"}
ZONES |= {"IL": "America/Chicago", "CO": "America/Denver", "AZ": "America/Phoenix"}
ZONES |= dict.fromkeys(("NY", "FL", "MA", "GA"), "America/New_York")
SPECIALTIES = {"anxiety": 10, "depression": 10, "stress": 6, "trauma": 6, "relationships": 6}
SPECIALTIES |= {"self_esteem": 5, "life_transitions": 5, "grief": 4, "family": 4, "identity": 3}
SPECIALTIES |= {c: 2 for c in CONCERNS if c not in SPECIALTIES}
APPROACHES = dict.fromkeys(MODALITIES, 1.5) | {"cbt": 10, "person_centered": 6, "act": 5}
APPROACHES |= {"psychodynamic": 4, "solution_focused": 4, "dbt": 3, "emdr": 3, "mbct": 3}
GROUPS = {"lgbtq": 5, "bipoc": 4, "students": 3, "healthcare_workers": 2, "immigrants": 2}
GROUPS |= {"faith_based": 2, "veterans": 1.5, "first_responders": 1, "disability": 1}
PLANS = {"bcbs": 8, "aetna": 7, "optum": 7, "cigna": 6, "anthem": 5, "humana": 3, "medicaid": 3}
PLANS |= {"medicare": 3, "magellan": 2, "kaiser": 1, "tricare": 1}
GENDERS = {"woman": 62, "man": 30, "non_binary": 4, "transgender_woman": 1, "transgender_man": 1}
OTHER_LANGUAGES = {"es": 60, "zh": 10, "vi": 8, "ko": 6, "tl": 6, "ru": 5, "fr": 5}
DOMAIN_SHARES = {"depression": 34, "anxiety": 34, "trauma": 12, "relationships": 12, "other": 8}
DOMAIN_CONCERNS = {
    d: [c for c in CONCERNS if CONCERN_DOMAINS.get(c, "other") == d] for d in DOMAINS
}
WINDOWS = {  # client's weekly windows: (weekday, start minute, end minute), local time
    "weekday_evenings": tuple((d, 17 * 60, 21 * 60) for d in range(5)),
    "weekday_mornings": tuple((d, 7 * 60, 10 * 60) for d in range(5)),
    "lunchtime": tuple((d, 12 * 60, 14 * 60) for d in range(5)),
    "weekday_daytime": tuple((d, 9 * 60, 17 * 60) for d in range(5)),
    "saturday": ((5, 9 * 60, 15 * 60),),
    "mon_wed_afternoons": ((0, 13 * 60, 18 * 60), (2, 13 * 60, 18 * 60)),
}
WINDOW_SHARES = {"weekday_evenings": 35, "weekday_daytime": 20, "weekday_mornings": 12}
WINDOW_SHARES |= {"lunchtime": 12, "saturday": 11, "mon_wed_afternoons": 10}
BLOCKS = ((9, 12, 0.75), (13, 17, 0.8), (17, 20, 0.3))  # therapist's local hours, and how often
FILLER = ("Sessions are warm, collaborative and practical.", "We build skills for daily life.")
FILLER += ("Together we find what keeps you stuck.", "Change starts with feeling understood.")


def _pick(rng: np.random.Generator, shares: dict, size: int | None = None, replace: bool = True):
    keys, weights = list(shares), np.array(list(shares.values()), dtype=float)
    picked = rng.choice(len(keys), size=size, replace=replace, p=weights / weights.sum())
    return keys[int(picked)] if size is None else [keys[int(i)] for i in picked]


@lru_cache(maxsize=64)
def _local_grid(zone: str, start: datetime) -> tuple[np.ndarray, np.ndarray]:
    """The weekday of each local day, and the hours after start of each local day x hour."""
    tz = ZoneInfo(zone)
    days = [start.astimezone(tz).date() + timedelta(days=d) for d in range(HORIZON_DAYS + 1)]
    local = [datetime(d.year, d.month, d.day, h, tzinfo=tz) for d in days for h in range(24)]
    grid = np.array([(t - start) // timedelta(hours=1) for t in local]).reshape(len(days), 24)
    return np.array([d.weekday() for d in days]), grid


@lru_cache(maxsize=256)
def window_hours(
    zone: str, start: datetime, windows: tuple[tuple[int, int, int], ...]
) -> np.ndarray:
    """Which hour-long slots after start begin inside the local weekly windows."""
    tz = ZoneInfo(zone)
    inside = np.zeros(HOURS, dtype=bool)
    for h in range(HOURS):
        local = (start + timedelta(hours=h)).astimezone(tz)
        minute = local.hour * 60 + local.minute
        inside[h] = any(local.weekday() == d and a <= minute < b for d, a, b in windows)
    return inside


@dataclass(frozen=True)
class SyntheticClient:
    """An intake as the client states it, and the hidden truth behind it."""

    jurisdiction: str
    timezone: str
    age_group: str
    concerns: tuple[str, ...]
    text: str
    phq9_band: str
    gad7_band: str
    high_risk: bool
    preferences: dict  # stated: languages, format, gender, modalities, communities
    payment: dict  # {"method": "insurance", "insurance_plan"} or self_pay with a budget
    preferred_times: tuple[dict, ...]  # stated weekly windows
    domain: str  # hidden from here on
    true_gender: str | None
    true_modality: str | None
    true_community: str | None
    windows_matter: bool
    true_windows: tuple[tuple[int, int, int], ...]


@dataclass
class Population:
    """Therapists (records plus hidden truth) and clients, all from one seed."""

    start: datetime
    records: list[TherapistRecord]
    true_effectiveness: np.ndarray  # therapists x DOMAINS: true mean improvement (score points)
    active: np.ndarray  # current clients per therapist
    open_hours: list[np.ndarray]  # per therapist: open slot starts, in hours after start
    outcomes: list[tuple[int, str, float]]  # observed (row, domain, improvement)
    clients: list[SyntheticClient]

    @cached_property
    def times(self) -> list[datetime]:
        """The UTC start of each hour slot (shared objects)."""
        return [self.start + timedelta(hours=h) for h in range(HOURS)]

    def openings(self, row: int, limit: int | None = None) -> list[datetime]:
        """A therapist's open slot starts (UTC), earliest first."""
        return [self.times[h] for h in self.open_hours[row][:limit]]

    @cached_property
    def open_matrix(self) -> sparse.csr_matrix:
        """Therapists x hours, 1 where a slot is open."""
        lengths = np.array([len(h) for h in self.open_hours], dtype=np.int64)
        indptr = np.concatenate([[0], np.cumsum(lengths)])
        indices = np.concatenate([*self.open_hours, np.empty(0, np.int64)]).astype(np.int64)
        shape = (len(self.open_hours), HOURS)
        return sparse.csr_matrix((np.ones(len(indices)), indices, indptr), shape=shape)

    @cached_property
    def effectiveness_z(self) -> np.ndarray:
        """True effectiveness standardised per domain across therapists."""
        truth = self.true_effectiveness
        return (truth - truth.mean(axis=0)) / (truth.std(axis=0) + 1e-9)

    @cached_property
    def genders(self) -> np.ndarray:
        """Each therapist's gender (None where not given)."""
        return np.array([r.gender for r in self.records], dtype=object)

    def has(self, facet: str, code: str | None) -> np.ndarray:
        """Therapists listing the code in the facet."""
        return np.array([code in r.facets.get(facet, ()) for r in self.records])


def _record(rng: np.random.Generator, index: int, start: datetime) -> TherapistRecord:
    jurisdictions = [
        _pick(rng, JURISDICTIONS) for chance in (1, 0.25, 0.1) if rng.random() < chance
    ]
    licenses = [
        (j, (start + timedelta(days=int(rng.integers(-60, 900)))).date())
        for j in dict.fromkeys(jurisdictions)
    ]
    specialties = _pick(rng, SPECIALTIES, int(rng.integers(3, 8)), replace=False)
    modalities = _pick(rng, APPROACHES, int(rng.integers(1, 5)), replace=False)
    languages = [] if rng.random() < 0.03 else ["en"]
    if not languages or rng.random() < 0.18:
        languages.append(_pick(rng, OTHER_LANGUAGES))
    ages = {"children": 0.07, "teens": 0.15, "young_adults": 0.85, "adults": 0.95}
    ages = [a for a, p in (ages | {"older_adults": 0.4}).items() if rng.random() < p]
    formats = ["video"] if rng.random() < 0.97 else []
    formats += ["phone"] if not formats or rng.random() < 0.45 else []
    plans = [] if rng.random() < 0.25 else _pick(rng, PLANS, int(rng.integers(1, 6)), False)
    rate = int(rng.integers(18, 51)) * 500
    sliding = int(rate * rng.uniform(0.4, 0.8)) // 500 * 500 if rng.random() < 0.35 else None
    words = ", ".join(CONCERNS[c].lower() for c in specialties)
    ways = " and ".join(MODALITIES[m] for m in modalities)
    return TherapistRecord(
        id=uuid.UUID(bytes=rng.bytes(16), version=4),
        display_name=f"Therapist {index:06d}",
        clinic_id=uuid.UUID(int=int(rng.integers(1, 40)), version=4),
        bio=f"I work with {words}, drawing on {ways}. {FILLER[int(rng.integers(len(FILLER)))]}",
        gender=None if rng.random() < 0.02 else _pick(rng, GENDERS),
        accepting_new_clients=bool(rng.random() < 0.92),
        max_caseload=int(rng.integers(10, 36)),
        risk_trained=bool(rng.random() < 0.25),
        self_pay_rate_cents=rate,
        sliding_scale_min_cents=sliding,
        licenses=licenses,
        facets={
            "specialties": specialties,
            "modalities": modalities,
            "communities": _pick(rng, GROUPS, int(rng.choice(3, p=[0.5, 0.35, 0.15])), False),
            "languages": languages,
            "insurance_plans": plans,
            "age_groups": ages or ["adults"],
            "formats": formats,
        },
    )


def _truth(rng: np.random.Generator, record: TherapistRecord):
    """True effectiveness per domain, and past cases (domain, improvement) sampled from it."""
    covered = {CONCERN_DOMAINS.get(c, "other") for c in record.facets["specialties"]}
    # A general skill, a domain-specific part, and a small edge where they specialise.
    truth = rng.normal(5.0, 1.5) + rng.normal(0.0, 1.8, len(DOMAINS))
    truth += np.array([0.8 if d in covered else 0.0 for d in DOMAINS])
    low, high = ((0, 11), (10, 40), (40, 101))[rng.choice(3, p=[0.55, 0.3, 0.15])]
    cases = int(rng.integers(low, high))
    own = [i for i, d in enumerate(DOMAINS) if d in covered]  # in DOMAINS order, not set order
    seen = np.where(rng.random(cases) < 0.7, rng.choice(own, cases), rng.integers(0, 5, cases))
    observed = rng.normal(truth[seen], CASE_NOISE)
    return truth, [(DOMAINS[d], float(v)) for d, v in zip(seen, observed, strict=True)]


def _open_hours(rng: np.random.Generator, zone: str, start: datetime, load: float) -> np.ndarray:
    """Open hour slots: a weekly template in the therapist's zone, minus what is booked."""
    weekdays, grid = _local_grid(zone, start)
    template = np.zeros((7, 24), dtype=bool)
    workdays = rng.choice(5, int(rng.integers(3, 6)), replace=False)
    for first, last, chance in BLOCKS:
        if rng.random() < chance:
            template[np.ix_(workdays, range(first, last))] = True
    template[workdays, 10:12] |= ~template[workdays].any(axis=1)[:, None]
    if rng.random() < 0.2:
        template[5, 10:14] = True
    hours = np.sort(grid[template[weekdays]])
    hours = hours[(hours >= 1) & (hours < HOURS)]
    if rng.random() < 0.07:  # on leave, or fully booked
        return hours[:0]
    return hours[rng.random(len(hours)) >= min(0.95, 0.25 + 0.6 * load)].astype(np.int64)


def _bands(rng: np.random.Generator, domain: str) -> tuple[str, str]:
    """PHQ-9 and GAD-7 bands that fit the domain, often with the other one raised too."""
    phq = ("minimal", "mild")[int(rng.integers(2))]
    gad = "mild"
    if domain == "depression":
        phq = str(rng.choice(["moderate", "moderately_severe", "severe"], p=[0.45, 0.35, 0.2]))
    if domain == "anxiety":
        gad = str(rng.choice(["moderate", "severe"], p=[0.6, 0.4]))
    if rng.random() < 0.35:
        phq, gad = (phq, "moderate") if domain == "depression" else ("moderate", gad)
    return phq, gad


def _client(rng: np.random.Generator) -> SyntheticClient:
    jurisdiction, domain = _pick(rng, JURISDICTIONS), _pick(rng, DOMAIN_SHARES)
    pool = DOMAIN_CONCERNS[domain]
    concerns = [_pick(rng, {c: 4 if c == domain else 1 for c in pool})]
    concerns += [c for c in _pick(rng, SPECIALTIES, int(rng.integers(0, 3))) if c not in concerns]
    language = _pick(rng, {"en": 88, "es": 8, "zh": 2, "vi": 1, "ko": 1})
    languages = [language] + (["en"] if language != "en" and rng.random() < 0.6 else [])
    budget = int(rng.choice([6, 8, 10, 12, 15, 20])) * 1000
    payment = {"method": "self_pay", "max_per_session_cents": budget}
    if rng.random() < 0.55:
        payment = {"method": "insurance", "insurance_plan": _pick(rng, PLANS)}
    gender = _pick(rng, {"woman": 72, "man": 24, "non_binary": 4}) if rng.random() < 0.4 else None
    modality = _pick(rng, APPROACHES) if rng.random() < 0.35 else None
    community = _pick(rng, GROUPS) if rng.random() < 0.12 else None
    said = modality if rng.random() < 0.9 else _pick(rng, APPROACHES)  # some name the wrong one
    names = _pick(rng, WINDOW_SHARES, 2 if rng.random() < 0.3 else 1, replace=False)
    windows = tuple(sorted({w for name in names for w in WINDOWS[name]}))
    matter = bool(rng.random() < 0.65)
    stated = rng.random() < (0.8 if matter else 0.25)
    phq, gad = _bands(rng, domain)
    text = f"Lately {CONCERNS[concerns[0]].lower()} gets in my way." if rng.random() < 0.5 else ""
    return SyntheticClient(
        jurisdiction=jurisdiction,
        timezone=ZONES[jurisdiction],
        age_group=_pick(rng, {"young_adults": 28, "adults": 62, "older_adults": 7, "teens": 3}),
        concerns=tuple(concerns),
        text=text,
        phq9_band=phq,
        gad7_band=gad,
        high_risk="suicidal_thoughts" in concerns or bool(rng.random() < 0.04),
        preferences={
            "languages": languages,
            "format": _pick(rng, {"video": 18, "phone": 7}) if rng.random() < 0.25 else None,
            "gender": gender if gender and rng.random() < 0.75 else None,
            "modalities": [said] if modality and rng.random() < 0.6 else [],
            "communities": [community] if community and rng.random() < 0.8 else [],
        },
        payment=payment,
        preferred_times=tuple(
            {"weekday": d, "start_minute": a, "end_minute": b} for d, a, b in windows if stated
        ),
        domain=domain,
        true_gender=gender,
        true_modality=modality,
        true_community=community,
        windows_matter=matter,
        true_windows=windows,
    )


def generate(therapists: int, clients: int, seed: int, *, start: datetime = START) -> Population:
    """A population; therapists do not depend on the number of clients, nor clients on theirs."""
    seeds = np.random.SeedSequence(seed).spawn(2)
    rng, client_rng = np.random.default_rng(seeds[0]), np.random.default_rng(seeds[1])
    records, truth, active, open_hours, outcomes = [], [], [], [], []
    for row in range(therapists):
        record = _record(rng, row, start)
        true, cases = _truth(rng, record)
        load = rng.uniform(0.9, 1.0) if rng.random() < 0.1 else rng.beta(2.5, 2.0)
        records.append(record)
        truth.append(true)
        active.append(int(load * record.max_caseload))
        open_hours.append(_open_hours(rng, ZONES[record.licenses[0][0]], start, load))
        outcomes.extend((row, domain, value) for domain, value in cases)
    return Population(
        start=start,
        records=records,
        true_effectiveness=np.array(truth).reshape(therapists, len(DOMAINS)),
        active=np.array(active, dtype=float),
        open_hours=open_hours,
        outcomes=outcomes,
        clients=[_client(client_rng) for _ in range(clients)],
    )


def grades(population: Population, client: SyntheticClient, feasible: np.ndarray) -> np.ndarray:
    """Relevance 0-3 of every therapist for the client, from the hidden truth alone."""
    utility = population.effectiveness_z[:, DOMAINS.index(client.domain)].copy()
    if client.true_gender:
        utility -= 1.5 * (population.genders != client.true_gender)
    for facet, wanted, weight in (
        ("modalities", client.true_modality, 0.5),
        ("communities", client.true_community, 0.4),
    ):
        if wanted:
            utility += np.where(population.has(facet, wanted), weight, -weight)
    any_open = np.diff(population.open_matrix.indptr) > 0
    if client.windows_matter:
        inside = window_hours(client.timezone, population.start, client.true_windows)
        fitting = population.open_matrix @ inside.astype(float)
        utility += np.select([fitting == 0, fitting == 1], [-1.5, -0.25], 0.25)
    grade = np.digitize(utility, [-0.25, 0.5, 1.25])
    return np.where(feasible & any_open, grade, 0)
