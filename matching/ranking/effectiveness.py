"""Measured effectiveness per therapist and concern domain, shrunk toward the mean. Pure.

Improvement is the drop in the domain's questionnaire score (PHQ-9 for depression, GAD-7 for
anxiety, ...). A therapist with few cases says little, so each mean is pulled toward the domain's
overall mean as if k average cases had been added (empirical-Bayes shrinkage). One k serves every
domain: case noise variance over between-therapist variance, each pooled across the domains
(per-domain estimates swung from about 2 to 100 on populations drawn from one design), and kept
within [MIN_PRIOR_CASES, MAX_PRIOR_CASES] = [5, 50]. With fewer than MIN_REPEATED therapist-domain
pairs of 2+ cases, the documented fallback is PRIOR_CASES (15). Before averaging, each case is
winsorized at OUTLIER_NOISE_SDS (2) noise sds around its domain mean, so a single case can move a
therapist by at most 2 sd / (1 + k) <= a third of a noise sd: one lucky outcome never outranks a
therapist with many consistently good ones (20 cases half a noise sd above the mean do).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

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
PRIOR_CASES = 15  # the fallback when too few therapists have repeated cases
MIN_PRIOR_CASES = 8
MAX_PRIOR_CASES = 50
MIN_REPEATED = 10  # therapist-domain pairs with 2+ cases needed to estimate k
OUTLIER_NOISE_SDS = 2.0


@dataclass(frozen=True)
class Shrinkage:
    """The pooled prior: cases worth of prior, case noise sd, spread of true effects."""

    prior_cases: float
    noise_sd: float
    spread: float


def domains_of(concerns: Sequence[str], *, phq9_band: str, gad7_band: str) -> list[str]:
    """The domains an intake is about: its concerns, plus what its scores point to."""
    found = {CONCERN_DOMAINS.get(c, "other") for c in concerns}
    if phq9_band not in {"minimal", "mild"}:
        found.add("depression")
    if gad7_band not in {"minimal", "mild"}:
        found.add("anxiety")
    return [d for d in DOMAINS if d in found]


def _moments(who: np.ndarray, values: np.ndarray, rows: int) -> tuple[float, int, float, int]:
    """One domain's squared residuals around therapist means and their degrees of freedom, and
    the excess variance of those means over noise (as noise-free sum) with its therapist count."""
    counts = np.bincount(who, minlength=rows)
    sums = np.bincount(who, weights=values, minlength=rows)
    seen = counts >= 2
    residuals = values - (sums / np.maximum(counts, 1))[who]
    squares = float((residuals[seen[who]] ** 2).sum())
    freedom = int((counts[seen] - 1).sum())
    means = sums[seen] / counts[seen]
    spread = float(means.var() * seen.sum()) if seen.sum() >= 2 else 0.0
    return squares, freedom, spread, int(seen.sum())


def estimate_shrinkage(by_domain: dict[int, tuple[np.ndarray, np.ndarray]], rows: int) -> Shrinkage:
    """Method-of-moments estimates pooled across domains, bounded; the fallback when thin."""
    parts = [_moments(who, values, rows) for who, values in by_domain.values()]
    every = np.concatenate([v for _, v in by_domain.values()] or [np.zeros(1)])
    repeated = sum(p[3] for p in parts)
    freedom = sum(p[1] for p in parts)
    if repeated < MIN_REPEATED or freedom < 1:
        sd = float(every.std()) or 1.0
        return Shrinkage(float(PRIOR_CASES), sd, sd / np.sqrt(PRIOR_CASES))
    noise = sum(p[0] for p in parts) / freedom
    # each domain's variance of means, less what noise adds to a mean of its cases
    excess = 0.0
    for (who, _), (_, _, spread, seen) in zip(by_domain.values(), parts, strict=True):
        if seen >= 2:
            counts = np.bincount(who, minlength=rows)
            excess += spread - seen * noise * float(np.mean(1 / counts[counts >= 2]))
    between = excess / max(sum(p[3] for p in parts if p[3] >= 2), 1)
    k = noise / between if between > 1e-9 else float(MAX_PRIOR_CASES)
    k = float(np.clip(k, MIN_PRIOR_CASES, MAX_PRIOR_CASES))
    noise_sd = float(np.sqrt(noise)) or 1.0
    return Shrinkage(k, noise_sd, noise_sd / np.sqrt(k))


def effectiveness_table(
    rows: int,
    observations: Iterable[tuple[int, str, float]],
    *,
    prior_cases: float | None = None,
) -> np.ndarray:
    """A rows x domains table in [0, 1]; 0.5 is average, unknown therapists score 0.5.

    Each therapist's mean (winsorized) improvement is shrunk toward the domain mean by a prior
    worth `prior_cases` average cases (the pooled, bounded estimate unless given), then scaled by
    the spread of true effects between therapists, so 0.73 means about one such spread above
    average.
    """
    table = np.full((rows, len(DOMAINS)), 0.5)
    by_domain: dict[int, list[tuple[int, float]]] = {i: [] for i in range(len(DOMAINS))}
    for row, domain, improvement in observations:
        if domain in DOMAINS:
            by_domain[DOMAINS.index(domain)].append((row, improvement))
    columns = {
        column: (np.array([r for r, _ in items]), np.array([v for _, v in items], dtype=float))
        for column, items in by_domain.items()
        if items
    }
    shrinkage = estimate_shrinkage(columns, rows)
    prior = shrinkage.prior_cases if prior_cases is None else prior_cases
    for column, (who, raw) in columns.items():
        mean = raw.mean()
        reach = OUTLIER_NOISE_SDS * shrinkage.noise_sd
        values = np.clip(raw, mean - reach, mean + reach)
        sums = np.bincount(who, weights=values, minlength=rows)
        counts = np.bincount(who, minlength=rows)
        shrunk = (sums + prior * mean) / (counts + prior)
        table[:, column] = 1 / (1 + np.exp(-(shrunk - mean) / shrinkage.spread))
    return table
