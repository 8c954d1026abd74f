"""PHQ-9 and GAD-7 scoring with standard severity bands, and the crisis and severity flags."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from matching.intake.risk_text import mentions_self_harm

PHQ9_ITEMS = 9
GAD7_ITEMS = 7
# (lowest score of the band, band name), ascending; Kroenke et al. 2001, Spitzer et al. 2006
PHQ9_BANDS = (
    (0, "minimal"),
    (5, "mild"),
    (10, "moderate"),
    (15, "moderately_severe"),
    (20, "severe"),
)
GAD7_BANDS = ((0, "minimal"), (5, "mild"), (10, "moderate"), (15, "severe"))
PHQ9_SEVERE = 20
GAD7_SEVERE = 15
SUICIDAL_IDEATION_ITEM = 8  # PHQ-9 item 9, zero-based
RISK_CONCERNS = frozenset({"suicidal_thoughts"})


@dataclass(frozen=True)
class Screening:
    """Scores, bands and the flags derived from them."""

    phq9_score: int
    phq9_band: str
    gad7_score: int
    gad7_band: str
    high_risk: bool
    higher_level_of_care: bool


def _band(score: int, bands: Sequence[tuple[int, str]]) -> str:
    name = bands[0][1]
    for lowest, band in bands:
        if score >= lowest:
            name = band
    return name


def _check(answers: Sequence[int], items: int, label: str) -> None:
    if len(answers) != items or any(a not in (0, 1, 2, 3) for a in answers):
        raise ValueError(f"{label} needs {items} answers, each 0 to 3")


def screen(
    phq9: Sequence[int],
    gad7: Sequence[int],
    *,
    reports_risk: bool,
    concerns: Sequence[str] = (),
    free_text: str | None = None,
) -> Screening:
    """Score both questionnaires. The intake is high-risk on any risk signal: PHQ-9 item 9 above
    0, the explicit risk answer, a risk concern (suicidal thoughts), or free text that the screen
    in `risk_text` finds words about suicide or self-harm in."""
    _check(phq9, PHQ9_ITEMS, "PHQ-9")
    _check(gad7, GAD7_ITEMS, "GAD-7")
    phq9_score, gad7_score = sum(phq9), sum(gad7)
    return Screening(
        phq9_score=phq9_score,
        phq9_band=_band(phq9_score, PHQ9_BANDS),
        gad7_score=gad7_score,
        gad7_band=_band(gad7_score, GAD7_BANDS),
        high_risk=reports_risk
        or phq9[SUICIDAL_IDEATION_ITEM] > 0
        or bool(RISK_CONCERNS.intersection(concerns))
        or mentions_self_harm(free_text),
        higher_level_of_care=phq9_score >= PHQ9_SEVERE or gad7_score >= GAD7_SEVERE,
    )
