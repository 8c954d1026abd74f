"""Matching benchmark (run by hand: `python -m bench.matching`; never part of the test suite).

Setup printed with the figures: synthetic populations (bench.evaluation.synthetic) of 10,000 and
100,000 therapists; catalog build time and memory (tracemalloc: peak during one build, and what the
built catalog keeps); then one `rank(...)` call per random client (200 clients), stage one and stage
two, with an `open_times` callback returning precomputed synthetic slots, i.e. without slot lookups.
Figures only; nothing here asserts on time.
"""

from __future__ import annotations

import gc
import itertools
import time
import tracemalloc
from collections.abc import Callable, Iterator
from datetime import datetime, timedelta

import numpy as np

from bench.common import measure
from bench.evaluation.evaluate import TOP, needs_and_wishes, preferred_window_test
from bench.evaluation.synthetic import HORIZON_DAYS, Population, generate
from bench.evaluation.synthetic_clients import SyntheticClient
from matching.ranking.catalog import Catalog, build_catalog
from matching.ranking.constraints import Needs, feasible
from matching.ranking.effectiveness import effectiveness_table
from matching.ranking.ranker import DEFAULT_WEIGHTS, Ranking, Wishes, rank, stage_one_features

SIZES = (10_000, 100_000)
CLIENTS = 200
SEED = 2026

# One client with what the ranker is given for them: needs, wishes, preferred-window test.
Case = tuple[SyntheticClient, Needs, Wishes, Callable[[datetime], bool] | None]


def array_bytes(catalog: Catalog) -> int:
    """Bytes held by the catalog's numpy arrays and sparse matrices (not Python objects)."""
    total = 0
    arrays = [
        catalog.accepting,
        catalog.max_caseload,
        catalog.risk_trained,
        catalog.gender,
        catalog.lowest_fee,
        catalog.full_fee,
    ]
    arrays += [a for pair in catalog.licenses.values() for a in pair]
    for matrix in [*catalog.facet_matrices.values(), catalog.text]:
        arrays += [matrix.data, matrix.indices, matrix.indptr]
    for array in arrays:
        total += array.nbytes
    return total


def on_next(action: Callable[[Case], object], pending: Iterator[Case]) -> Callable[[], object]:
    """A call of the action on the next pending case."""
    return lambda: action(next(pending))


def run(therapists: int) -> None:
    """Print the figures for one population size."""
    started = time.perf_counter()
    population = generate(therapists, CLIENTS, SEED)
    generated = time.perf_counter() - started
    slots = {
        row: population.openings(row)
        for row in range(therapists)
        if len(population.open_hours[row])
    }
    print(
        f"\n{therapists:,} therapists, {len(population.outcomes):,} past outcomes, "
        f"{len(slots):,} with open times; {CLIENTS} clients; seed {SEED} "
        f"(generated in {generated:.1f} s)"
    )
    catalog = catalog_figures(population)
    table = effectiveness_table(therapists, population.outcomes)
    ranking_figures(population, catalog, table, slots)


def catalog_figures(population: Population) -> Catalog:
    """Print the catalog's memory and the build times of the catalog and effectiveness table."""
    therapists = len(population.records)
    gc.collect()
    tracemalloc.start()
    catalog = build_catalog(population.records, version="bench")
    kept, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    arrays = array_bytes(catalog)
    print(
        f"catalog memory: peak during build {peak / 2**20:,.1f} MiB, kept by the catalog "
        f"{kept / 2**20:,.1f} MiB (numpy and sparse arrays alone {arrays / 2**20:,.1f} MiB); "
        f"{catalog.text.shape[1]:,} bio terms"
    )
    runs = 5 if therapists <= 10_000 else 2
    measure(
        f"build_catalog ({therapists:,})",
        runs,
        lambda: build_catalog(population.records, version="bench"),
    )
    measure(
        f"effectiveness_table ({len(population.outcomes):,} outcomes)",
        runs,
        lambda: effectiveness_table(therapists, population.outcomes),
    )
    return catalog


def ranking_figures(
    population: Population,
    catalog: Catalog,
    table: np.ndarray,
    slots: dict[int, list[datetime]],
) -> None:
    """Print feasible-set sizes, the time of each ranking stage per client, and matches shown."""
    therapists = len(population.records)
    through = population.start + timedelta(days=HORIZON_DAYS)
    cases = [
        (client, *needs_and_wishes(client, through=through), preferred_window_test(client))
        for client in population.clients
    ]
    sizes = [int(feasible(catalog, needs, population.active).sum()) for _, needs, _, _ in cases]
    print(
        f"feasible therapists per client: median {int(np.median(sizes)):,}, "
        f"max {max(sizes):,}, zero for {sum(s == 0 for s in sizes)} clients"
    )

    def open_times(rows: list[int], limit: int | None) -> dict[int, list[datetime]]:
        return {r: slots[r][:limit] for r in rows if r in slots}

    def one_rank(case: Case) -> Ranking:
        client, needs, wishes, window = case
        return rank(
            catalog,
            needs,
            wishes,
            active=population.active,
            effectiveness=table,
            weights=DEFAULT_WEIGHTS,
            limit=TOP,
            open_times=open_times,
            in_preferred_window=window,
            window_days=HORIZON_DAYS,
            crisis=client.high_risk,
        )

    def stage_one(case: Case) -> dict[str, np.ndarray]:
        _, needs, wishes, _ = case
        rows = np.flatnonzero(feasible(catalog, needs, population.active))
        return stage_one_features(
            catalog, rows, wishes, effectiveness=table, active=population.active
        )

    actions: list[tuple[str, Callable[[Case], object]]] = [
        ("feasible() only", lambda c: feasible(catalog, c[1], population.active)),
        ("feasible() + stage_one_features()", stage_one),
        ("rank(): stage one + two, precomputed slots", one_rank),
    ]
    for label, action in actions:
        pending = itertools.cycle(cases)
        measure(f"{label} ({therapists:,})", CLIENTS, on_next(action, pending))
    shown = [len(one_rank(case).matches) for case in cases]
    print(f"matches returned per client: mean {np.mean(shown):.1f} (limit {TOP})")


def main() -> None:
    """Run every size."""
    print(__doc__.split("\n\n")[1].replace("\n", " "))
    for therapists in SIZES:
        run(therapists)


if __name__ == "__main__":
    main()
