"""Ranking: hard constraints, then a weighted soft score that explains itself. Pure.

Stage 1 scores every feasible therapist on what the catalog knows (fit to the concerns,
preferences, measured effectiveness, load). Stage 2 asks for open times of the best few and adds
how well those fit the client's preferred windows; therapists with no open time drop out, since
a match one cannot book is worthless.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import overload

import numpy as np
import numpy.typing as npt

from app.vocabularies import COMMUNITIES, CONCERNS, INSURANCE_PLANS, JURISDICTIONS, LANGUAGES
from app.vocabularies import MODALITIES as MODALITY_LABELS
from matching.ranking.catalog import Catalog, query_text
from matching.ranking.constraints import Needs, Relaxation, feasible, relaxations
from matching.ranking.effectiveness import DOMAINS

FEATURES = ("similarity", "preferences", "availability", "effectiveness", "capacity_load")
# Documented defaults, used until `flask matching train` stores fitted weights.
# Measured effectiveness leads (Constantino et al. 2021); fit to stated concerns helps less once
# preferences are counted on their own (offline evaluation, seeds 7, 11 and 2026).
DEFAULT_WEIGHTS: Mapping[str, float] = {
    "similarity": 0.6,
    "preferences": 0.8,
    "availability": 0.6,
    "effectiveness": 1.5,
    "capacity_load": -0.5,
}
ENOUGH_OPENINGS = 4
LOAD_FREE_UNTIL = 0.7


@dataclass(frozen=True)
class Wishes:
    """What the client would like (soft)."""

    concerns: Sequence[str] = ()
    text: str = ""
    modalities: Sequence[str] = ()
    communities: Sequence[str] = ()
    gender: str | None = None
    faith_based: bool | None = None
    domains: Sequence[str] = ()


@dataclass
class Match:
    """One ranked therapist with the numbers and words behind its place."""

    therapist_id: uuid.UUID
    row: int
    score: float
    features: dict[str, float]
    reasons: list[str]
    openings: list[datetime]
    preferred_openings: int


@dataclass
class Ranking:
    """The answer: matches, or why there are none and what would help."""

    matches: list[Match]
    feasible_count: int
    relaxations: list[Relaxation] = field(default_factory=list)
    no_open_times: int = 0


def _preference_scores(
    catalog: Catalog, rows: np.ndarray, wishes: Wishes
) -> npt.NDArray[np.float64]:
    parts = []
    if wishes.gender:
        parts.append(catalog.gender[rows] == wishes.gender)
    if wishes.modalities:
        parts.append(catalog.has_any("modalities", wishes.modalities)[rows])
    if wishes.communities:
        parts.append(catalog.has_any("communities", wishes.communities)[rows])
    if wishes.faith_based is not None:
        faith = catalog.has_any("communities", ["faith_based"])[rows]
        parts.append(faith if wishes.faith_based else ~faith)
    if not parts:
        return np.full(len(rows), 0.5)
    scores: npt.NDArray[np.float64] = np.mean(np.vstack(parts).astype(float), axis=0)
    return scores


def stage_one_features(
    catalog: Catalog,
    rows: np.ndarray,
    wishes: Wishes,
    *,
    effectiveness: np.ndarray,
    active: np.ndarray,
) -> dict[str, np.ndarray]:
    """Every feature except availability, for the given rows (vectorised)."""
    # How many of the client's concerns the therapist lists; wished modalities and communities
    # count under preferences, not here, so nothing is counted twice.
    concern_coverage = catalog.coverage("specialties", wishes.concerns, rows)
    words = " ".join([wishes.text, *(CONCERNS.get(c, c) for c in wishes.concerns)])
    text_similarity = np.asarray(
        catalog.text[rows] @ query_text(catalog, words).T.toarray()
    ).ravel()
    domain_columns = [DOMAINS.index(d) for d in wishes.domains if d in DOMAINS]
    measured = (
        effectiveness[rows][:, domain_columns].mean(axis=1)
        if domain_columns
        else np.full(len(rows), 0.5)
    )
    load = active[rows] / np.maximum(catalog.max_caseload[rows], 1)
    return {
        "similarity": 0.6 * concern_coverage + 0.4 * text_similarity,
        "preferences": _preference_scores(catalog, rows, wishes),
        "availability": np.zeros(len(rows)),
        "effectiveness": measured,
        "capacity_load": np.clip((load - LOAD_FREE_UNTIL) / (1 - LOAD_FREE_UNTIL), 0, 1),
    }


@overload
def weighted(features: Mapping[str, float], weights: Mapping[str, float]) -> float: ...
@overload
def weighted(
    features: Mapping[str, npt.NDArray[np.float64]], weights: Mapping[str, float]
) -> npt.NDArray[np.float64]: ...
def weighted(
    features: Mapping[str, float] | Mapping[str, npt.NDArray[np.float64]],
    weights: Mapping[str, float],
) -> float | npt.NDArray[np.float64]:
    """The soft score: a weighted sum of the features (of one therapist, or of rows of them)."""
    return sum(weights.get(name, 0.0) * np.asarray(values) for name, values in features.items())


def _reasons(
    catalog: Catalog,
    row: int,
    needs: Needs,
    wishes: Wishes,
    features: dict[str, float],
    preferred: int,
    openings: list[datetime],
    window_days: int,
    has_windows: bool,
    crisis: bool,
) -> list[str]:
    reasons = [f"Licensed in {JURISDICTIONS.get(needs.jurisdiction, needs.jurisdiction)}"]
    if crisis:
        reasons.append("Trained to support people going through a crisis")
    spoken = catalog.codes_of(row, "languages") & set(needs.languages)
    for code in sorted(spoken - {"en"}) or sorted(spoken)[:1]:
        reasons.append(f"Speaks {LANGUAGES.get(code, code)}")
    for code in [c for c in wishes.concerns if c in catalog.codes_of(row, "specialties")][:2]:
        reasons.append(f"Works with {CONCERNS[code].lower()}")
    for code in [m for m in wishes.modalities if m in catalog.codes_of(row, "modalities")][:2]:
        reasons.append(f"Offers {MODALITY_LABELS[code]}")
    for code in [c for c in wishes.communities if c in catalog.codes_of(row, "communities")][:1]:
        reasons.append(f"Experienced with the {COMMUNITIES[code]} community")
    if needs.insurance_plan:
        reasons.append(f"In network with {INSURANCE_PLANS.get(needs.insurance_plan)}")
    elif needs.max_fee_cents is not None:
        fee = catalog.lowest_fee[row]
        label = "Sliding scale from" if fee < catalog.full_fee[row] else "Self-pay rate"
        reasons.append(f"{label} ${fee / 100:,.0f}, within your budget")
    if has_windows and preferred:
        plural = "opening" if preferred == 1 else "openings"
        reasons.append(
            f"{preferred} {plural} in your preferred times in the next {window_days} days"
        )
    elif openings:
        reasons.append(f"{len(openings)}+ openings in the next {window_days} days")
    if features["effectiveness"] >= 0.65:
        reasons.append("Strong measured results with concerns like yours")
    return reasons


# A shortlisted therapist with open times: row, feature values, openings, preferred openings.
_Candidate = tuple[int, dict[str, float], list[datetime], int]


def _bookable(
    rows: np.ndarray,
    best: np.ndarray,
    features: Mapping[str, np.ndarray],
    slots: Mapping[int, list[datetime]],
    in_preferred_window: Callable[[datetime], bool] | None,
) -> list[_Candidate]:
    """Stage two: the shortlisted therapists with open times, their availability scored."""
    candidates: list[_Candidate] = []
    for index in best:
        row = int(rows[index])
        openings = sorted(slots.get(row, []))
        if not openings:
            continue
        preferred = sum(1 for t in openings if in_preferred_window and in_preferred_window(t))
        counted = preferred if in_preferred_window else len(openings)
        values = {name: float(f[index]) for name, f in features.items()}
        values["availability"] = min(counted, ENOUGH_OPENINGS) / ENOUGH_OPENINGS
        candidates.append((row, values, openings, preferred))
    return candidates


def rank(
    catalog: Catalog,
    needs: Needs,
    wishes: Wishes,
    *,
    active: np.ndarray,
    effectiveness: np.ndarray,
    weights: Mapping[str, float],
    limit: int,
    open_times: Callable[[list[int]], dict[int, list[datetime]]],
    in_preferred_window: Callable[[datetime], bool] | None,
    window_days: int,
    crisis: bool = False,
    shortlist: int = 50,
) -> Ranking:
    """Rank feasible therapists; never relax a hard constraint silently."""
    mask = feasible(catalog, needs, active)
    rows = np.flatnonzero(mask)
    if len(rows) == 0:
        return Ranking([], 0, relaxations(catalog, needs, active))
    features = stage_one_features(catalog, rows, wishes, effectiveness=effectiveness, active=active)
    partial = weighted(features, weights)
    keep = min(len(rows), max(shortlist, limit * 5))
    best = np.argpartition(-partial, keep - 1)[:keep] if keep < len(rows) else np.arange(len(rows))
    slots = open_times([int(rows[i]) for i in best])
    candidates = _bookable(rows, best, features, slots, in_preferred_window)
    no_open = len(best) - len(candidates)
    if crisis:
        candidates.sort(key=lambda c: (c[2][0], -weighted(c[1], weights)))
    else:
        candidates.sort(key=lambda c: (-weighted(c[1], weights), c[2][0]))
    matches = [
        Match(
            catalog.ids[row],
            row,
            round(float(weighted(values, weights)), 4),
            values,
            _reasons(
                catalog,
                row,
                needs,
                wishes,
                values,
                preferred,
                openings,
                window_days,
                in_preferred_window is not None,
                crisis,
            ),
            openings[:3],
            preferred,
        )
        for row, values, openings, preferred in candidates[:limit]
    ]
    return Ranking(
        matches, int(mask.sum()), [] if matches else relaxations(catalog, needs, active), no_open
    )
