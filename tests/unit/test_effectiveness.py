"""Shrinkage of measured effectiveness: a pooled, bounded prior that one lucky case cannot beat."""

from __future__ import annotations

import math

import numpy as np
import pytest

from bench.evaluation.synthetic import generate
from matching.ranking.effectiveness import DOMAINS, effectiveness_table, estimate_shrinkage


def pairs(means: list[float]) -> dict[int, tuple[np.ndarray, np.ndarray]]:
    """Therapist i has two cases, means[i] - 1 and means[i] + 1, in domain 0."""
    who = np.repeat(np.arange(len(means)), 2)
    values = np.array([m + d for m in means for d in (-1.0, 1.0)])
    return {0: (who, values)}


def test_prior_is_noise_over_between_variance_by_hand():
    # residuals are +-1: noise variance 2 (10 squares of 2 over 10 degrees of freedom);
    # means +-sqrt(1.2): their variance 1.2, of which noise contributes 2 / 2 cases = 1.0
    root = math.sqrt(1.2)
    estimate = estimate_shrinkage(pairs([root, -root] * 5), 10)
    assert estimate.prior_cases == pytest.approx(2 / 0.2)
    assert estimate.noise_sd == pytest.approx(math.sqrt(2))
    assert estimate.spread == pytest.approx(math.sqrt(0.2))


def test_prior_is_bounded_and_falls_back_when_thin():
    assert estimate_shrinkage(pairs([10.0, -10.0] * 5), 10).prior_cases == 8  # lower bound
    assert estimate_shrinkage(pairs([0.0] * 10), 10).prior_cases == 50  # no spread: upper
    assert estimate_shrinkage(pairs([1.0, -1.0, 2.0] * 3), 9).prior_cases == 15  # 9 pairs


def test_domains_are_pooled():
    # the same data split over two domains gives the same prior as in one
    root = math.sqrt(1.2)
    one = pairs([root, -root] * 5)[0]
    who, values = one
    split = {0: (who[:8], values[:8]), 1: (who[8:], values[8:])}  # 4 and 6 therapists
    assert estimate_shrinkage(split, 10).prior_cases == pytest.approx(10)


@pytest.mark.parametrize("seed", range(30))
@pytest.mark.parametrize("therapists", [60, 200])
def test_one_lucky_outcome_never_outranks_many_good_ones(seed, therapists):
    """On populations of one design, a therapist with a single outcome (the largest possible
    improvement) ranks below one with 30 cases each 3 points (0.6 noise sd) above the mean."""
    population = generate(therapists, 1, seed)
    lucky, steady = therapists, therapists + 1
    for domain in DOMAINS:
        mean = float(np.mean([v for _, d, v in population.outcomes if d == domain]))
        observations = [*population.outcomes, (lucky, domain, mean + 27.0)]
        observations += [(steady, domain, mean + 3.0)] * 30
        table = effectiveness_table(therapists + 2, observations)
        column = DOMAINS.index(domain)
        assert table[steady, column] > table[lucky, column], domain
