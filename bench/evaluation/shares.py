"""What the synthetic population is drawn from: weighted shares of every attribute, and the draw."""

from __future__ import annotations

from collections.abc import Mapping
from typing import overload

import numpy as np

from app.vocabularies import CONCERNS, MODALITIES
from matching.ranking.effectiveness import CONCERN_DOMAINS, DOMAINS

JURISDICTIONS = {"US-CA": 35, "US-NY": 20, "US-TX": 12, "US-FL": 10, "US-WA": 6, "US-IL": 5}
JURISDICTIONS |= {"US-MA": 4, "US-CO": 3}
JURISDICTIONS |= {"US-GA": 3, "US-AZ": 2}
ZONES = {"US-CA": "America/Los_Angeles", "US-WA": "America/Los_Angeles", "US-TX": "America/Chicago"}
ZONES |= {"US-IL": "America/Chicago", "US-CO": "America/Denver", "US-AZ": "America/Phoenix"}
ZONES |= dict.fromkeys(("US-NY", "US-FL", "US-MA", "US-GA"), "America/New_York")
SPECIALTIES = {"anxiety": 10, "depression": 10, "stress": 6, "trauma": 6, "relationships": 6}
SPECIALTIES |= {"self_esteem": 5, "life_transitions": 5, "grief": 4, "family": 4, "identity": 3}
SPECIALTIES |= {c: 2 for c in CONCERNS if c not in SPECIALTIES}
APPROACHES = dict.fromkeys(MODALITIES, 1.5) | {"cbt": 10, "person_centered": 6, "act": 5}
APPROACHES |= {"psychodynamic": 4, "solution_focused": 4, "dbt": 3, "emdr": 3, "mbct": 3}
GROUPS: dict[str, float] = {
    "lgbtq": 5,
    "bipoc": 4,
    "students": 3,
    "healthcare_workers": 2,
    "immigrants": 2,
}
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
FILLER: tuple[str, ...] = (
    "Sessions are warm, collaborative and practical.",
    "We build skills for daily life.",
)
FILLER += ("Together we find what keeps you stuck.", "Change starts with feeling understood.")


@overload
def pick(
    rng: np.random.Generator, shares: Mapping[str, float], size: None = None, replace: bool = True
) -> str: ...
@overload
def pick(
    rng: np.random.Generator, shares: Mapping[str, float], size: int, replace: bool = True
) -> list[str]: ...
def pick(
    rng: np.random.Generator,
    shares: Mapping[str, float],
    size: int | None = None,
    replace: bool = True,
) -> str | list[str]:
    """One key (or `size` keys) drawn with probability proportional to its share."""
    keys, weights = list(shares), np.array(list(shares.values()), dtype=float)
    picked = rng.choice(len(keys), size=size, replace=replace, p=weights / weights.sum())
    return keys[int(picked)] if size is None else [keys[int(i)] for i in picked]
