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
from bench.evaluation.shares import (
    APPROACHES,
    BLOCKS,
    FILLER,
    GENDERS,
    GROUPS,
    JURISDICTIONS,
    OTHER_LANGUAGES,
    PLANS,
    SPECIALTIES,
    ZONES,
    pick,
)
from bench.evaluation.synthetic_clients import SyntheticClient, draw_client
from matching.ranking.catalog import TherapistRecord
from matching.ranking.effectiveness import CONCERN_DOMAINS, DOMAINS

START = datetime(2026, 3, 2, 13, tzinfo=UTC)  # "now" for the default population (on the hour)
HORIZON_DAYS = 14
HOURS = HORIZON_DAYS * 24
CASE_NOISE = 5.0  # sd of one client's improvement around the therapist's true mean


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
        z: np.ndarray = (truth - truth.mean(axis=0)) / (truth.std(axis=0) + 1e-9)
        return z

    @cached_property
    def genders(self) -> np.ndarray:
        """Each therapist's gender (None where not given)."""
        return np.array([r.gender for r in self.records], dtype=object)

    def has(self, facet: str, code: str | None) -> np.ndarray:
        """Therapists listing the code in the facet."""
        return np.array([code in r.facets.get(facet, ()) for r in self.records])


def _record(rng: np.random.Generator, index: int, start: datetime) -> TherapistRecord:
    jurisdictions = [pick(rng, JURISDICTIONS) for chance in (1, 0.25, 0.1) if rng.random() < chance]
    licenses = [
        (j, (start + timedelta(days=int(rng.integers(-60, 900)))).date())
        for j in dict.fromkeys(jurisdictions)
    ]
    specialties = pick(rng, SPECIALTIES, int(rng.integers(3, 8)), replace=False)
    modalities = pick(rng, APPROACHES, int(rng.integers(1, 5)), replace=False)
    languages = [] if rng.random() < 0.03 else ["en"]
    if not languages or rng.random() < 0.18:
        languages.append(pick(rng, OTHER_LANGUAGES))
    chances = {"children": 0.07, "teens": 0.15, "young_adults": 0.85, "adults": 0.95}
    ages = [a for a, p in (chances | {"older_adults": 0.4}).items() if rng.random() < p]
    formats = ["video"] if rng.random() < 0.97 else []
    formats += ["phone"] if not formats or rng.random() < 0.45 else []
    plans = [] if rng.random() < 0.25 else pick(rng, PLANS, int(rng.integers(1, 6)), False)
    rate = int(rng.integers(18, 51)) * 500
    sliding = int(rate * rng.uniform(0.4, 0.8)) // 500 * 500 if rng.random() < 0.35 else None
    words = ", ".join(CONCERNS[c].lower() for c in specialties)
    ways = " and ".join(MODALITIES[m] for m in modalities)
    return TherapistRecord(
        id=uuid.UUID(bytes=rng.bytes(16), version=4),
        display_name=f"Therapist {index:06d}",
        clinic_id=uuid.UUID(int=int(rng.integers(1, 40)), version=4),
        bio=f"I work with {words}, drawing on {ways}. {FILLER[int(rng.integers(len(FILLER)))]}",
        gender=None if rng.random() < 0.02 else pick(rng, GENDERS),
        accepting_new_clients=bool(rng.random() < 0.92),
        max_caseload=int(rng.integers(10, 36)),
        risk_trained=bool(rng.random() < 0.25),
        self_pay_rate_cents=rate,
        sliding_scale_min_cents=sliding,
        licenses=licenses,
        facets={
            "specialties": specialties,
            "modalities": modalities,
            "communities": pick(rng, GROUPS, int(rng.choice(3, p=[0.5, 0.35, 0.15])), False),
            "languages": languages,
            "insurance_plans": plans,
            "age_groups": ages or ["adults"],
            "formats": formats,
        },
    )


def _truth(
    rng: np.random.Generator, record: TherapistRecord
) -> tuple[np.ndarray, list[tuple[str, float]]]:
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
            template[np.ix_(workdays, np.arange(first, last))] = True
    template[workdays, 10:12] |= ~template[workdays].any(axis=1, keepdims=True)
    if rng.random() < 0.2:
        template[5, 10:14] = True
    hours = np.sort(grid[template[weekdays]])
    hours = hours[(hours >= 1) & (hours < HOURS)]
    if rng.random() < 0.07:  # on leave, or fully booked
        return hours[:0]
    return hours[rng.random(len(hours)) >= min(0.95, 0.25 + 0.6 * load)].astype(np.int64)


def generate(therapists: int, clients: int, seed: int, *, start: datetime = START) -> Population:
    """A population; therapists do not depend on the number of clients, nor clients on theirs."""
    seeds = np.random.SeedSequence(seed).spawn(2)
    rng, client_rng = np.random.default_rng(seeds[0]), np.random.default_rng(seeds[1])
    records, truth, active, open_hours = [], [], [], []
    outcomes: list[tuple[int, str, float]] = []
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
        clients=[draw_client(client_rng) for _ in range(clients)],
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
