"""Measured effectiveness per therapist and concern domain, shrunk toward the mean. Pure.

Improvement is the drop in the domain's questionnaire score (PHQ-9 for depression, GAD-7 for
anxiety, ...). A therapist with few cases says little, so each mean is pulled toward the domain's
overall mean as if k average cases had been added (empirical-Bayes shrinkage). k is estimated per
domain as case noise variance / between-therapist variance, falling back to PRIOR_CASES (15) when
too few therapists have repeated cases: with 3 cases the estimate is mostly the mean, with 60 it
is mostly their own.
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


def _prior_and_spread(who: np.ndarray, values: np.ndarray, rows: int) -> tuple[float, float]:
    """Method-of-moments estimates: cases worth of prior (noise / between variance), and the
    spread of true therapist effects; the documented defaults when the data are too thin."""
    counts = np.bincount(who, minlength=rows)
    sums = np.bincount(who, weights=values, minlength=rows)
    seen = counts >= 2
    if seen.sum() < 3:
        return float(PRIOR_CASES), float(values.std() or 1.0)
    means = sums[seen] / counts[seen]
    residuals = values - (sums / np.maximum(counts, 1))[who]
    noise = float((residuals**2).sum() / max(len(values) - seen.sum(), 1))
    between = float(means.var() - noise * np.mean(1 / counts[seen]))
    if between <= 1e-9:
        return 100.0, float(np.sqrt(noise / 100.0)) or 1.0
    return float(np.clip(noise / between, 1.0, 100.0)), float(np.sqrt(between))


def effectiveness_table(
    rows: int,
    observations: Iterable[tuple[int, str, float]],
    *,
    prior_cases: float | None = None,
) -> np.ndarray:
    """A rows x domains table in [0, 1]; 0.5 is average, unknown therapists score 0.5.

    Each therapist's mean improvement is shrunk toward the domain mean by a prior worth
    `prior_cases` average cases (estimated from the data unless given), then scaled by the spread
    of true effects between therapists, so 0.73 means about one such spread above average.
    """
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
        estimated_prior, spread = _prior_and_spread(who, values, rows)
        prior = estimated_prior if prior_cases is None else prior_cases
        mean = values.mean()
        sums = np.bincount(who, weights=values, minlength=rows)
        counts = np.bincount(who, minlength=rows)
        shrunk = (sums + prior * mean) / (counts + prior)
        table[:, column] = 1 / (1 + np.exp(-(shrunk - mean) / (spread or 1.0)))
    return table
