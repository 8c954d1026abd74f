"""Synthetic clients: what they state in an intake, and the hidden truth graded against."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from app.vocabularies import CONCERNS
from bench.evaluation.shares import (
    APPROACHES,
    DOMAIN_CONCERNS,
    DOMAIN_SHARES,
    GROUPS,
    JURISDICTIONS,
    PLANS,
    SPECIALTIES,
    WINDOW_SHARES,
    WINDOWS,
    ZONES,
    pick,
)


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
    preferences: dict[str, Any]  # stated: languages, format, gender, modalities, communities
    payment: dict[str, Any]  # {"method": "insurance", "insurance_plan"} or self_pay with a budget
    preferred_times: tuple[dict[str, Any], ...]  # stated weekly windows
    domain: str  # hidden from here on
    true_gender: str | None
    true_modality: str | None
    true_community: str | None
    windows_matter: bool
    true_windows: tuple[tuple[int, int, int], ...]


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


def draw_client(rng: np.random.Generator) -> SyntheticClient:
    """One client: the intake as stated, and the hidden truth behind it."""
    jurisdiction, domain = pick(rng, JURISDICTIONS), pick(rng, DOMAIN_SHARES)
    pool = DOMAIN_CONCERNS[domain]
    concerns = [pick(rng, {c: 4 if c == domain else 1 for c in pool})]
    concerns += [c for c in pick(rng, SPECIALTIES, int(rng.integers(0, 3))) if c not in concerns]
    language = pick(rng, {"en": 88, "es": 8, "zh": 2, "vi": 1, "ko": 1})
    languages = [language] + (["en"] if language != "en" and rng.random() < 0.6 else [])
    budget = int(rng.choice([6, 8, 10, 12, 15, 20])) * 1000
    payment = {"method": "self_pay", "max_per_session_cents": budget}
    if rng.random() < 0.55:
        payment = {"method": "insurance", "insurance_plan": pick(rng, PLANS)}
    gender = pick(rng, {"woman": 72, "man": 24, "non_binary": 4}) if rng.random() < 0.4 else None
    modality = pick(rng, APPROACHES) if rng.random() < 0.35 else None
    community = pick(rng, GROUPS) if rng.random() < 0.12 else None
    said = modality if rng.random() < 0.9 else pick(rng, APPROACHES)  # some name the wrong one
    names = pick(rng, WINDOW_SHARES, 2 if rng.random() < 0.3 else 1, replace=False)
    windows = tuple(sorted({w for name in names for w in WINDOWS[name]}))
    matter = bool(rng.random() < 0.65)
    stated = rng.random() < (0.8 if matter else 0.25)
    phq, gad = _bands(rng, domain)
    text = f"Lately {CONCERNS[concerns[0]].lower()} gets in my way." if rng.random() < 0.5 else ""
    return SyntheticClient(
        jurisdiction=jurisdiction,
        timezone=ZONES[jurisdiction],
        age_group=pick(rng, {"young_adults": 28, "adults": 62, "older_adults": 7, "teens": 3}),
        concerns=tuple(concerns),
        text=text,
        phq9_band=phq,
        gad7_band=gad,
        high_risk="suicidal_thoughts" in concerns or bool(rng.random() < 0.04),
        preferences={
            "languages": languages,
            "format": pick(rng, {"video": 18, "phone": 7}) if rng.random() < 0.25 else None,
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
