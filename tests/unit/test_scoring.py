"""PHQ-9 / GAD-7 scoring, bands at their edges, crisis and severity flags."""

from __future__ import annotations

import pytest

from matching.intake.scoring import screen


def phq(total: int, item9: int = 0) -> list[int]:
    answers = [0] * 9
    answers[8] = item9
    remaining = total - item9
    for index in range(8):
        answers[index] = min(3, remaining)
        remaining -= answers[index]
    assert remaining == 0
    return answers


def gad(total: int) -> list[int]:
    answers, remaining = [], total
    for _ in range(7):
        answers.append(min(3, remaining))
        remaining -= answers[-1]
    return answers


@pytest.mark.parametrize(
    ("total", "band"),
    [
        (0, "minimal"),
        (4, "minimal"),
        (5, "mild"),
        (9, "mild"),
        (10, "moderate"),
        (14, "moderate"),
        (15, "moderately_severe"),
        (19, "moderately_severe"),
        (20, "severe"),
        (24, "severe"),
    ],
)
def test_phq9_bands(total, band):
    result = screen(phq(total), gad(0), reports_risk=False)
    assert (result.phq9_score, result.phq9_band) == (total, band)


def test_phq9_maximum():
    assert screen([3] * 9, gad(0), reports_risk=False).phq9_score == 27


@pytest.mark.parametrize(
    ("total", "band"),
    [
        (0, "minimal"),
        (4, "minimal"),
        (5, "mild"),
        (9, "mild"),
        (10, "moderate"),
        (14, "moderate"),
        (15, "severe"),
        (21, "severe"),
    ],
)
def test_gad7_bands(total, band):
    result = screen(phq(0), gad(total), reports_risk=False)
    assert (result.gad7_score, result.gad7_band) == (total, band)


def test_item_nine_above_zero_is_high_risk():
    assert screen(phq(1, item9=1), gad(0), reports_risk=False).high_risk
    assert not screen(phq(8), gad(0), reports_risk=False).high_risk


def test_explicit_risk_answer_is_high_risk():
    assert screen(phq(0), gad(0), reports_risk=True).high_risk


@pytest.mark.parametrize(
    ("phq_total", "gad_total", "flag"),
    [(19, 14, False), (20, 0, True), (0, 15, True), (27, 21, True)],
)
def test_higher_level_of_care(phq_total, gad_total, flag):
    answers = [3] * 9 if phq_total == 27 else phq(phq_total)
    assert screen(answers, gad(gad_total), reports_risk=False).higher_level_of_care is flag


@pytest.mark.parametrize(
    ("phq9", "gad7"),
    [
        ([0] * 8, [0] * 7),
        ([0] * 10, [0] * 7),
        ([0] * 9, [0] * 6),
        ([4] + [0] * 8, [0] * 7),
        ([0] * 9, [-1] + [0] * 6),
    ],
)
def test_wrong_answer_counts_or_values(phq9, gad7):
    with pytest.raises(ValueError, match="answers"):
        screen(phq9, gad7, reports_risk=False)
