"""Why a therapist is listed, in words the client reads. Pure."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

from app.jurisdictions import JURISDICTIONS
from app.vocabularies import COMMUNITIES, CONCERNS, INSURANCE_PLANS, LANGUAGES
from app.vocabularies import MODALITIES as MODALITY_LABELS
from matching.ranking.catalog import Catalog
from matching.ranking.constraints import Needs

if TYPE_CHECKING:
    from matching.ranking.ranker import Wishes

STRONG_RESULTS = 0.65


@dataclass(frozen=True)
class Availability:
    """What stage two found of one therapist's open times in the window."""

    total: int  # openings in the window while licensed
    preferred: int  # of them, in the client's preferred windows
    has_windows: bool  # whether the client stated preferred windows
    window_days: int
    license_until: date | None  # set when the license expires inside the window


def _place_and_time(needs: Needs, availability: Availability, crisis: bool) -> list[str]:
    where = JURISDICTIONS.get(needs.jurisdiction, needs.jurisdiction)
    until = availability.license_until
    reasons = [
        f"Licensed in {where}"
        if until is None
        else f"License in {where} valid until {until:%B} {until.day}, {until.year}"
    ]
    if crisis:
        reasons.append("Trained to support people going through a crisis")
    return reasons


def _openings(availability: Availability) -> list[str]:
    days = availability.window_days
    if availability.has_windows and availability.preferred:
        count = availability.preferred
        plural = "opening" if count == 1 else "openings"
        return [f"{count} {plural} in your preferred times in the next {days} days"]
    if availability.total:
        plural = "opening" if availability.total == 1 else "openings"
        return [f"{availability.total} {plural} in the next {days} days"]
    return []


def explain(
    catalog: Catalog,
    row: int,
    needs: Needs,
    wishes: Wishes,
    features: dict[str, float],
    availability: Availability,
    *,
    crisis: bool,
) -> list[str]:
    """The reasons shown with one match, most important first."""
    reasons = _place_and_time(needs, availability, crisis)
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
    reasons += _openings(availability)
    if features["effectiveness"] >= STRONG_RESULTS:
        reasons.append("Strong measured results with concerns like yours")
    return reasons
