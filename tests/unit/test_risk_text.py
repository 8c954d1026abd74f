"""The free-text risk screen: phrasings it catches, everyday idioms it leaves alone."""

from __future__ import annotations

import pytest

from matching.intake.risk_text import mentions_self_harm
from matching.intake.scoring import screen

CALM_PHQ = [1, 1, 1, 1, 1, 0, 0, 0, 0]
CALM_GAD = [0] * 7


@pytest.mark.parametrize(
    "text",
    [
        "I have thought about suicide",
        "feeling Suicidal again",
        "I want to kill myself",
        "I keep thinking about ending my life",
        "part of me wants to take my own life",
        "I just want to end it all",
        "I have been self-harming",
        "self harm helps me cope",
        "cutting myself again",
        "I want to die",
        "I wish I were dead",
        "they'd be better off dead without me... I mean with me dead",
        "there is no reason to live",
        "I don't want to wake up",
        "I thought about an overdose",
        "I AM NOT SUICIDAL but I think about it",  # negations still count (errs toward help)
    ],
)
def test_risk_phrasings_are_caught(text):
    assert mentions_self_harm(text)


@pytest.mark.parametrize(
    "text",
    [
        "",
        None,
        "This job is killing me",
        "I could kill for some sleep",
        "dying to get back to running",
        "dead tired all week",
        "my phone died during the call",
        "deadline after deadline",
        "I hurt my back",
        "I want to take my life back",
        "I need to cut myself some slack",
        "I take myself to the gym",
        "I want to live a calmer life",
    ],
)
def test_everyday_idioms_are_not_caught(text):
    assert not mentions_self_harm(text)


def test_screen_treats_a_risk_concern_and_risk_words_as_risk_signals():
    def risky(**signals):
        return screen(CALM_PHQ, CALM_GAD, reports_risk=False, **signals).high_risk

    assert not risky()
    assert not risky(concerns=["anxiety"], free_text="Work is stressful.")
    assert risky(concerns=["suicidal_thoughts"])
    assert risky(free_text="I think about ending my life")
