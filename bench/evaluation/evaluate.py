"""Offline evaluation of the ranker against simple baselines on a synthetic population.

Run `python -m bench.evaluation.evaluate [--therapists N] [--clients M] [--seed S]`. Every ranker
works on the same feasible set under the same rule (a therapist with no open time in the window is
never shown). Relevance is graded from the population's hidden truth, never from what rankers see.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import numpy as np

from bench.evaluation.synthetic import HORIZON_DAYS, Population, generate, grades
from bench.evaluation.synthetic_clients import SyntheticClient
from matching.ranking.catalog import Catalog, build_catalog
from matching.ranking.constraints import Needs, feasible
from matching.ranking.criteria import split_request, window_test
from matching.ranking.effectiveness import effectiveness_table
from matching.ranking.openings import LicenseWindow
from matching.ranking.ranker import DEFAULT_WEIGHTS, Wishes, rank

TOP = 10
RELEVANT = 2  # grade from which a therapist counts as relevant for Recall and MRR
METRICS = ("ndcg@10", "recall@10", "mrr", "violations", "exposure_gini")


def needs_and_wishes(
    client: SyntheticClient, *, through: datetime, starts: datetime | None = None
) -> tuple[Needs, Wishes]:
    """Hard needs and soft wishes, split by the same function the match service uses (the
    window from `starts`, by default HORIZON_DAYS before `through`, in the client's zone)."""
    zone = ZoneInfo(client.timezone)
    first = starts or through - timedelta(days=HORIZON_DAYS)
    return split_request(
        jurisdiction=client.jurisdiction,
        concerns=client.concerns,
        phq9_band=client.phq9_band,
        gad7_band=client.gad7_band,
        high_risk=client.high_risk,
        preferences=client.preferences,
        payment=client.payment,
        age_group=client.age_group,
        starts=first.astimezone(zone).date(),
        through=through.astimezone(zone).date(),
        timezone=client.timezone,
        text=client.text,
    )


def preferred_window_test(client: SyntheticClient) -> Callable[[datetime], bool] | None:
    """The stated weekly windows, tested as the match service tests them."""
    windows = [(w["weekday"], w["start_minute"], w["end_minute"]) for w in client.preferred_times]
    return window_test(windows, client.timezone)


@dataclass
class Case:
    """One client with everything every ranker needs."""

    client: SyntheticClient
    needs: Needs
    wishes: Wishes
    feasible: np.ndarray
    bookable: np.ndarray  # feasible rows with at least one open time, in directory order
    grades: np.ndarray


def ndcg(shown: list[int], grade: np.ndarray, k: int = TOP) -> float:
    """Normalised discounted cumulative gain of the first k rows (gain 2^grade - 1)."""
    discounts = 1 / np.log2(np.arange(2, k + 2))
    gained = (2.0 ** grade[shown[:k]] - 1) @ discounts[: len(shown[:k])]
    ideal = np.sort(grade)[::-1][:k]
    best = (2.0**ideal - 1) @ discounts[: len(ideal)]
    return float(gained / best) if best else float("nan")


def gini(counts: np.ndarray) -> float:
    """Gini coefficient of exposure counts (0: even, towards 1: a few take everything)."""
    x = np.sort(np.asarray(counts, dtype=float))
    if x.sum() == 0:
        return 0.0
    n = len(x)
    return float((2 * np.arange(1, n + 1) - n - 1) @ x / (n * x.sum()))


def _rankers(
    population: Population, catalog: Catalog, table: np.ndarray, seed: int
) -> dict[str, Callable[[Case], list[int]]]:
    first_open = np.array([h[0] if len(h) else np.inf for h in population.open_hours])
    shuffle = np.random.default_rng(seed + 1)

    def open_times(rows: list[int], limit: int | None) -> dict[int, list[datetime]]:
        return {r: population.openings(r, limit) for r in rows if len(population.open_hours[r])}

    def ranker(case: Case) -> list[int]:
        ranking = rank(
            catalog,
            case.needs,
            case.wishes,
            active=population.active,
            effectiveness=table,
            weights=DEFAULT_WEIGHTS,
            limit=TOP,
            open_times=open_times,
            in_preferred_window=preferred_window_test(case.client),
            window_days=HORIZON_DAYS,
            crisis=case.client.high_risk,
        )
        return [m.row for m in ranking.matches]

    return {
        "ranker (defaults)": ranker,
        "random feasible": lambda c: shuffle.permutation(c.bookable)[:TOP].tolist(),
        "earliest available": lambda c: c.bookable[
            np.argsort(first_open[c.bookable], kind="stable")
        ][:TOP].tolist(),
        "filter only (directory order)": lambda c: c.bookable[:TOP].tolist(),
    }


def run(
    therapists: int, clients: int, seed: int
) -> tuple[dict[str, dict[str, float]], dict[str, Any]]:
    """Metrics per ranker, and a description of the setup."""
    population = generate(therapists, clients, seed)
    catalog = build_catalog(population.records, version=f"synthetic-{seed}")
    table = effectiveness_table(len(catalog), population.outcomes)
    through = population.start + timedelta(days=HORIZON_DAYS)
    has_open = np.array([len(h) > 0 for h in population.open_hours])
    cases = []
    for client in population.clients:
        needs, wishes = needs_and_wishes(client, through=through)
        mask = feasible(catalog, needs, population.active)
        licensed = LicenseWindow(catalog, needs, HORIZON_DAYS)
        bookable = np.array(
            [
                r
                for r in np.flatnonzero(mask & has_open).tolist()
                if licensed.cut(r, population.openings(r, 1))
            ],
            dtype=np.int64,
        )
        cases.append(Case(client, needs, wishes, mask, bookable, grades(population, client, mask)))
    results = {}
    for name, ranker in _rankers(population, catalog, table, seed).items():
        scores: dict[str, list[float]] = {m: [] for m in METRICS[:3]}
        exposure, violations = np.zeros(len(catalog)), 0
        for case in cases:
            shown = ranker(case)
            violations += sum(not case.feasible[row] for row in shown)
            exposure[shown] += 1
            relevant = case.grades >= RELEVANT
            if case.grades.any():
                scores["ndcg@10"].append(ndcg(shown, case.grades))
            if relevant.any():
                hits = relevant[shown[:TOP]]
                scores["recall@10"].append(hits.sum() / relevant.sum())
                scores["mrr"].append(1 / (1 + int(np.argmax(hits))) if hits.any() else 0.0)
        results[name] = {m: float(np.mean(v)) if v else 0.0 for m, v in scores.items()}
        results[name] |= {"violations": float(violations), "exposure_gini": gini(exposure)}
    setup = {
        "therapists": therapists,
        "clients": clients,
        "seed": seed,
        "outcomes": len(population.outcomes),
        "scored": sum(bool(c.grades.any()) for c in cases),
        "with_relevant": sum(bool((c.grades >= RELEVANT).any()) for c in cases),
        "feasible": float(np.mean([c.feasible.sum() for c in cases])),
        "bookable": float(np.mean([len(c.bookable) for c in cases])),
        "relevant": float(np.mean([(c.grades >= RELEVANT).sum() for c in cases])),
        "grades": np.bincount(np.concatenate([c.grades[c.bookable] for c in cases]), minlength=4),
    }
    return results, setup


def evaluate(therapists: int, clients: int, seed: int) -> dict[str, dict[str, float]]:
    """NDCG@10, Recall@10, MRR, hard-constraint violations and exposure Gini per ranker."""
    return run(therapists, clients, seed)[0]


def main(argv: list[str] | None = None) -> None:
    """Print the evaluation table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--therapists", type=int, default=600)
    parser.add_argument("--clients", type=int, default=300)
    parser.add_argument("--seed", type=int, default=2026)
    args = parser.parse_args(argv)
    results, setup = run(args.therapists, args.clients, args.seed)
    print(
        f"Synthetic population: {setup['therapists']} therapists ({setup['outcomes']} past "
        f"outcomes), {setup['clients']} clients, seed {setup['seed']}, "
        f"{HORIZON_DAYS}-day window, top {TOP}"
    )
    print(
        f"Per client: {setup['feasible']:.1f} feasible, {setup['bookable']:.1f} of them with "
        f"open times, {setup['relevant']:.1f} relevant (grade >= {RELEVANT}); "
        f"grades 0/1/2/3 among bookable: {'/'.join(str(g) for g in setup['grades'])}"
    )
    print(
        f"Scored clients: {setup['scored']} for NDCG (any grade > 0), "
        f"{setup['with_relevant']} for Recall and MRR (any relevant)\n"
    )
    header = f"{'ranker':<31}{'NDCG@10':>9}{'Recall@10':>11}{'MRR':>8}{'violations':>12}"
    header += f"{'exposure Gini':>15}"
    print(header)
    print("-" * len(header))
    for name, m in results.items():
        print(
            f"{name:<31}{m['ndcg@10']:>9.3f}{m['recall@10']:>11.3f}{m['mrr']:>8.3f}"
            f"{int(m['violations']):>12d}{m['exposure_gini']:>15.3f}"
        )


if __name__ == "__main__":
    main()
