"""Measured effectiveness per therapist and concern domain, shrunk toward the mean. Pure.

Improvement is the drop in the domain's questionnaire score (PHQ-9 for depression, GAD-7 for
anxiety, ...). A therapist with few cases says little, so each mean is pulled toward the domain's
overall mean as if PRIOR_CASES average cases had been added (empirical-Bayes shrinkage): with 3
cases the estimate is mostly the mean, with 60 it is mostly their own.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import numpy as np

DOMAINS = ("depression", "anxiety", "trauma", "relationships", "other")
CONCERN_DOMAINS = {
    "depression": "depression",
    "grief": "depression",
    "self_esteem": "depression",
    "life_transitions": "depression",
    "chronic_illness": "depression",
    "perinatal": "depression",
    "suicidal_thoughts": "depression",
    "bipolar": "depression",
    "anxiety": "anxiety",
    "ocd": "anxiety",
    "stress": "anxiety",
    "sleep": "anxiety",
    "trauma": "trauma",
    "relationships": "relationships",
    "family": "relationships",
    "anger": "relationships",
    "identity": "relationships",
}
PRIOR_CASES = 15


def domains_of(concerns: Sequence[str], *, phq9_band: str, gad7_band: str) -> list[str]:
    """The domains an intake is about: its concerns, plus what its scores point to."""
    found = {CONCERN_DOMAINS.get(c, "other") for c in concerns}
    if phq9_band not in {"minimal", "mild"}:
        found.add("depression")
    if gad7_band not in {"minimal", "mild"}:
        found.add("anxiety")
    return [d for d in DOMAINS if d in found]


def effectiveness_table(
    rows: int, observations: Iterable[tuple[int, str, float]], *, prior_cases: int = PRIOR_CASES
) -> np.ndarray:
    """A rows x domains table in [0, 1]; 0.5 is average, unknown therapists score 0.5."""
    table = np.full((rows, len(DOMAINS)), 0.5)
    by_domain: dict[int, list[tuple[int, float]]] = {i: [] for i in range(len(DOMAINS))}
    for row, domain, improvement in observations:
        if domain in DOMAINS:
            by_domain[DOMAINS.index(domain)].append((row, improvement))
    for column, items in by_domain.items():
        if not items:
            continue
        who = np.array([r for r, _ in items])
        values = np.array([v for _, v in items], dtype=float)
        mean, spread = values.mean(), values.std() or 1.0
        sums = np.bincount(who, weights=values, minlength=rows)
        counts = np.bincount(who, minlength=rows)
        shrunk = (sums + prior_cases * mean) / (counts + prior_cases)
        table[:, column] = 1 / (1 + np.exp(-(shrunk - mean) / (spread / 2)))
    return table
