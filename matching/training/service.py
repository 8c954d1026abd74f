"""Fit the soft-score weights on recorded outcomes (scikit-learn logistic regression), and keep
them only if they rank a held-out quarter of intakes better than the current model (NDCG@10)."""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime

import numpy as np
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import cross_val_score
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.clock import utcnow
from app.db.unit_of_work import unit_of_work
from matching.exceptions import NotEnoughOutcomes
from matching.matches.models import MatchExposure, MatchOutcome
from matching.ranking.ranker import DEFAULT_WEIGHTS, FEATURES
from matching.training.models import RankerModel

MINIMUM_ROWS = 20
GOOD_ENGAGEMENT_SESSIONS = 3
HELD_OUT_SHARE = 0.25
SPLIT_SEED = 2026
TOP = 10


def succeeded(outcome: MatchOutcome) -> bool:
    """A match worked: booked, stayed for a few sessions, and did not get worse."""
    return (
        outcome.booked
        and outcome.sessions_attended >= GOOD_ENGAGEMENT_SESSIONS
        and not outcome.dropped_out
        and (outcome.score_change is None or outcome.score_change <= 0)
    )


def fit_weights(features: np.ndarray, labels: np.ndarray) -> tuple[dict[str, float], float]:
    """Logistic regression on the ranking features; returns weights and cross-validated AUC."""
    model = LogisticRegression(C=1.0, max_iter=1000)
    model.fit(features, labels)
    folds = min(5, int(labels.sum()), int((~labels.astype(bool)).sum()))
    auc = (
        float(
            np.mean(
                cross_val_score(
                    LogisticRegression(C=1.0, max_iter=1000),
                    features,
                    labels,
                    cv=folds,
                    scoring="roc_auc",
                )
            )
        )
        if folds >= 2
        else float("nan")
    )
    return {name: float(w) for name, w in zip(FEATURES, model.coef_[0], strict=True)}, auc


def held_out(intake_ids: Iterable[uuid.UUID]) -> set[uuid.UUID]:
    """The intakes kept out of fitting to judge models on: a fixed quarter (at least one), drawn
    by a seeded shuffle of the sorted ids, so the same data always splits the same way."""
    ordered = sorted(set(intake_ids))
    count = max(1, round(len(ordered) * HELD_OUT_SHARE))
    order = np.random.default_rng(SPLIT_SEED).permutation(len(ordered))
    return {ordered[i] for i in order[:count]}


def ndcg_at(scores: np.ndarray, labels: np.ndarray, k: int = TOP) -> float:
    """NDCG@k of one list ranked by falling score (gain: 1 for a match that worked)."""
    order = np.argsort(-scores, kind="stable")[:k]
    discounts = 1 / np.log2(np.arange(2, k + 2))
    gained = float(labels[order] @ discounts[: len(order)])
    ideal = np.sort(labels)[::-1][:k]
    return gained / float(ideal @ discounts[: len(ideal)])


def mean_ndcg(weights: Mapping[str, float], lists: list[tuple[np.ndarray, np.ndarray]]) -> float:
    """Mean NDCG@10 over the held-out intakes with a match that worked."""
    vector = np.array([weights.get(name, 0.0) for name in FEATURES])
    return float(np.mean([ndcg_at(matrix @ vector, labels) for matrix, labels in lists]))


@dataclass
class TrainingResult:
    """Both models' held-out NDCG@10, and the model in use afterwards (None: the defaults)."""

    candidate: dict[str, float]
    candidate_ndcg: float
    current_version: str
    current_ndcg: float
    training_rows: int
    model: RankerModel | None
    kept_current: bool


def _outcomes(session: Session) -> list[tuple[uuid.UUID, dict[str, float], int]]:
    rows = session.execute(
        select(MatchExposure.intake_id, MatchExposure.features, MatchOutcome).join(
            MatchOutcome,
            (MatchOutcome.intake_id == MatchExposure.intake_id)
            & (MatchOutcome.therapist_id == MatchExposure.therapist_id),
        )
    ).all()
    return [(intake, features, int(succeeded(outcome))) for intake, features, outcome in rows]


def _split(
    data: list[tuple[uuid.UUID, dict[str, float], int]],
) -> tuple[np.ndarray, np.ndarray, list[tuple[np.ndarray, np.ndarray]]]:
    """Training matrix and labels, and the held-out intakes' lists (those with a success)."""
    test = held_out(intake for intake, _, _ in data)
    fit = [(f, y) for intake, f, y in data if intake not in test]
    lists: dict[uuid.UUID, list[tuple[dict[str, float], int]]] = defaultdict(list)
    for intake, features, label in data:
        if intake in test:
            lists[intake].append((features, label))
    judged = [
        (
            np.array([[f.get(n, 0.0) for n in FEATURES] for f, _ in items]),
            np.array([y for _, y in items]),
        )
        for items in lists.values()
        if any(y for _, y in items)
    ]
    labels = np.array([y for _, y in fit], dtype=int)
    if len(fit) < MINIMUM_ROWS or labels.min(initial=0) == labels.max(initial=0) or not judged:
        raise NotEnoughOutcomes(
            f"Training needs at least {MINIMUM_ROWS} shown matches with outcomes outside the "
            "held-out quarter of intakes, some that worked and some that did not, and a held-out "
            f"intake with a match that worked (have {len(data)} in all)."
        )
    return np.array([[f.get(n, 0.0) for n in FEATURES] for f, _ in fit]), labels, judged


@unit_of_work
def train(*, session: Session, now: datetime | None = None) -> TrainingResult:
    """Fit weights on the shown matches with outcomes outside a held-out quarter of intakes,
    compare them there with the current model (NDCG@10), and store them only if they do better."""
    data = _outcomes(session)
    matrix, labels, judged = _split(data)
    weights, auc = fit_weights(matrix, labels)
    current = session.scalar(select(RankerModel).order_by(RankerModel.created_at.desc()).limit(1))
    current_weights = dict(current.weights) if current else dict(DEFAULT_WEIGHTS)
    result = TrainingResult(
        candidate=weights,
        candidate_ndcg=mean_ndcg(weights, judged),
        current_version=current.version if current else "default",
        current_ndcg=mean_ndcg(current_weights, judged),
        training_rows=len(labels),
        model=current,
        kept_current=True,
    )
    if result.candidate_ndcg <= result.current_ndcg:
        return result
    now = now or utcnow()
    result.model = RankerModel(
        version=f"lr-{now:%Y%m%d%H%M%S%f}",
        created_at=now,
        weights=weights,
        training_rows=len(labels),
        metrics={
            "cv_roc_auc": auc,
            "positive_rate": float(labels.mean()),
            "held_out_ndcg10": result.candidate_ndcg,
            "previous_held_out_ndcg10": result.current_ndcg,
        },
    )
    result.kept_current = False
    session.add(result.model)
    return result
