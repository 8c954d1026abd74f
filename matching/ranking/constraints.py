"""Hard constraints as boolean masks, and what relaxing each would change when nothing fits."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date

import numpy as np

from matching.ranking.catalog import Catalog


@dataclass(frozen=True)
class Needs:
    """What a client cannot do without."""

    jurisdiction: str
    licensed_on: date  # the window's first day; openings after a license's expiry are dropped
    timezone: str = "UTC"  # the client's zone: a session's date, for its license, is local there
    languages: Sequence[str] = ()
    insurance_plan: str | None = None
    max_fee_cents: int | None = None  # self-pay budget per session
    age_group: str | None = None
    format: str | None = None
    risk_trained_only: bool = False
    excluded: frozenset[int] = field(default_factory=frozenset)  # catalog rows (declined)


# Constraints a client may choose to relax; license, intake, caseload and safety are not theirs.
RELAXABLE = {
    "language": "accept a therapist who speaks another of your languages",
    "payment": "raise your budget or consider self-pay",
    "format": "accept another session format",
    "age_group": "accept a therapist who does not list your age group",
}


def _masks(catalog: Catalog, needs: Needs, active: np.ndarray) -> dict[str, np.ndarray]:
    everyone = np.ones(len(catalog), dtype=bool)
    masks = {
        "license": catalog.licensed(needs.jurisdiction, needs.licensed_on),
        "accepting": catalog.accepting.copy(),
        "caseload": active < catalog.max_caseload,
    }
    masks["language"] = (
        catalog.has_any("languages", needs.languages) if needs.languages else everyone
    )
    if needs.insurance_plan is not None:
        masks["payment"] = catalog.has_any("insurance_plans", [needs.insurance_plan])
    elif needs.max_fee_cents is not None:
        masks["payment"] = catalog.lowest_fee <= needs.max_fee_cents
    else:
        masks["payment"] = everyone
    masks["age_group"] = (
        catalog.has_any("age_groups", [needs.age_group]) if needs.age_group else everyone
    )
    masks["format"] = catalog.has_any("formats", [needs.format]) if needs.format else everyone
    masks["risk"] = catalog.risk_trained.copy() if needs.risk_trained_only else everyone
    declined = np.ones(len(catalog), dtype=bool)
    declined[list(needs.excluded)] = False
    masks["declined"] = declined
    return masks


def feasible(catalog: Catalog, needs: Needs, active: np.ndarray) -> np.ndarray:
    """Rows that satisfy every hard constraint (`active`: each therapist's current clients)."""
    result = np.ones(len(catalog), dtype=bool)
    for mask in _masks(catalog, needs, active).values():
        result &= mask
    return result


@dataclass(frozen=True)
class Relaxation:
    """One constraint the client could relax, and how many therapists that would add."""

    constraint: str
    suggestion: str
    therapists: int


def relaxations(
    catalog: Catalog,
    needs: Needs,
    active: np.ndarray,
    *,
    also_required: Callable[[np.ndarray], np.ndarray] = lambda mask: mask,
) -> list[Relaxation]:
    """For each relaxable constraint, how many more therapists would fit without it."""
    masks = _masks(catalog, needs, active)
    already = np.logical_and.reduce(list(masks.values()))
    found = []
    for name, suggestion in RELAXABLE.items():
        combined = np.ones(len(catalog), dtype=bool)
        for other, mask in masks.items():
            if other != name:
                combined &= mask
        count = int(also_required(combined & ~already).sum())
        if count:
            found.append(Relaxation(name, suggestion, count))
    return sorted(found, key=lambda r: -r.therapists)


def failing(catalog: Catalog, needs: Needs, active: np.ndarray, row: int) -> list[str]:
    """The constraints one therapist breaks (for tests and explanations)."""
    return [name for name, mask in _masks(catalog, needs, active).items() if not mask[row]]
