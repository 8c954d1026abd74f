"""Ranking: hard constraints, then a weighted soft score that explains itself. Pure.

Stage 1 scores every feasible therapist on what the catalog knows (fit to the concerns,
preferences, measured effectiveness, load). Stage 2 asks for every open time in the window of the
best few, drops those after a license expires, and scores how many fall in the client's preferred
windows; therapists with no open time drop out (a match one cannot book is worthless) and the next
best are asked until `limit` are found or none are left. When nothing fits, each relaxation is
counted under the same rules, open time included, so its count is what the relaxed request lists.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import overload

import numpy as np
import numpy.typing as npt

from app.vocabularies import CONCERNS
from matching.ranking.catalog import Catalog, query_text
from matching.ranking.constraints import Needs, Relaxation, feasible, relaxations
from matching.ranking.effectiveness import DOMAINS
from matching.ranking.openings import LicenseWindow, shown_openings
from matching.ranking.reasons import Availability, explain

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


# Openings of catalog rows, earliest first, at most `limit` each (None: all in the window).
OpenTimes = Callable[[list[int], int | None], Mapping[int, list[datetime]]]
CHECK_BATCH = 500  # rows asked for a first open time at once, when counting relaxations


@dataclass
class _Candidate:
    """A shortlisted therapist with open times while licensed."""

    row: int
    values: dict[str, float]
    first: datetime
    shown: list[datetime]
    availability: Availability


def _bookable(
    rows: np.ndarray,
    chunk: np.ndarray,
    features: Mapping[str, np.ndarray],
    slots: Mapping[int, list[datetime]],
    in_preferred_window: Callable[[datetime], bool] | None,
    license_window: LicenseWindow,
) -> list[_Candidate]:
    """Stage two: the shortlisted therapists with open times, their availability scored over
    every opening in the window (not a first few)."""
    candidates: list[_Candidate] = []
    for index in chunk:
        row = int(rows[index])
        openings = license_window.cut(row, sorted(slots.get(row, [])))
        if not openings:
            continue
        preferred = [t for t in openings if in_preferred_window(t)] if in_preferred_window else []
        counted = len(preferred) if in_preferred_window else len(openings)
        values = {name: float(f[index]) for name, f in features.items()}
        values["availability"] = min(counted, ENOUGH_OPENINGS) / ENOUGH_OPENINGS
        availability = Availability(
            total=len(openings),
            preferred=len(preferred),
            has_windows=in_preferred_window is not None,
            window_days=license_window.window_days,
            license_until=license_window.until(row),
        )
        shown = shown_openings(openings, preferred)
        candidates.append(_Candidate(row, values, openings[0], shown, availability))
    return candidates


def _best_first(partial: np.ndarray, keep: int) -> Iterator[np.ndarray]:
    """Indices by falling partial score, in chunks: the best `keep` first, then the next ones."""
    if keep >= len(partial):
        yield np.arange(len(partial))
        return
    first = np.argpartition(-partial, keep - 1)[:keep]
    yield first
    rest = np.setdiff1d(np.arange(len(partial)), first, assume_unique=True)
    rest = rest[np.argsort(-partial[rest], kind="stable")]
    for start in range(0, len(rest), keep):
        yield rest[start : start + keep]


def _relaxations(
    catalog: Catalog,
    needs: Needs,
    active: np.ndarray,
    open_times: OpenTimes,
    license_window: LicenseWindow,
) -> list[Relaxation]:
    """What relaxing each constraint would bring, counting only therapists with an open time
    while licensed: exactly those the relaxed request would list."""
    known: dict[int, bool] = {}

    def with_open_time(mask: np.ndarray) -> np.ndarray:
        unknown = [int(r) for r in np.flatnonzero(mask) if int(r) not in known]
        for start in range(0, len(unknown), CHECK_BATCH):
            batch = unknown[start : start + CHECK_BATCH]
            first = open_times(batch, 1)
            for row in batch:
                known[row] = bool(license_window.cut(row, sorted(first.get(row, []))))
        result = mask.copy()
        result[[r for r in np.flatnonzero(mask) if not known[int(r)]]] = False
        return result

    return relaxations(catalog, needs, active, also_required=with_open_time)


def rank(
    catalog: Catalog,
    needs: Needs,
    wishes: Wishes,
    *,
    active: np.ndarray,
    effectiveness: np.ndarray,
    weights: Mapping[str, float],
    limit: int,
    open_times: OpenTimes,
    in_preferred_window: Callable[[datetime], bool] | None,
    window_days: int,
    crisis: bool = False,
    shortlist: int = 50,
) -> Ranking:
    """Rank feasible therapists; never relax a hard constraint silently."""
    mask = feasible(catalog, needs, active)
    rows = np.flatnonzero(mask)
    license_window = LicenseWindow(catalog, needs, window_days)
    if len(rows) == 0:
        return Ranking([], 0, _relaxations(catalog, needs, active, open_times, license_window))
    features = stage_one_features(catalog, rows, wishes, effectiveness=effectiveness, active=active)
    partial = weighted(features, weights)
    candidates: list[_Candidate] = []
    checked = 0
    for chunk in _best_first(partial, min(len(rows), max(shortlist, limit * 5))):
        slots = open_times([int(rows[i]) for i in chunk], None)
        candidates += _bookable(rows, chunk, features, slots, in_preferred_window, license_window)
        checked += len(chunk)
        if len(candidates) >= limit:
            break
    if crisis:
        candidates.sort(key=lambda c: (c.first, -weighted(c.values, weights)))
    else:
        candidates.sort(key=lambda c: (-weighted(c.values, weights), c.first))
    matches = [
        Match(
            catalog.ids[c.row],
            c.row,
            round(float(weighted(c.values, weights)), 4),
            c.values,
            explain(catalog, c.row, needs, wishes, c.values, c.availability, crisis=crisis),
            c.shown,
            c.availability.preferred,
        )
        for c in candidates[:limit]
    ]
    found = [] if matches else _relaxations(catalog, needs, active, open_times, license_window)
    return Ranking(matches, int(mask.sum()), found, checked - len(candidates))
