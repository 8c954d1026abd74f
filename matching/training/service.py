"""Fit the soft-score weights on recorded outcomes (scikit-learn logistic regression)."""

from __future__ import annotations

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
from matching.ranking.ranker import FEATURES
from matching.training.models import RankerModel

MINIMUM_ROWS = 20
GOOD_ENGAGEMENT_SESSIONS = 3


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


@unit_of_work
def train(*, session: Session, now: datetime | None = None) -> RankerModel:
    """Fit weights on every shown match with a recorded outcome, store them as the new model."""
    rows = session.execute(
        select(MatchExposure.features, MatchOutcome).join(
            MatchOutcome,
            (MatchOutcome.intake_id == MatchExposure.intake_id)
            & (MatchOutcome.therapist_id == MatchExposure.therapist_id),
        )
    ).all()
    labels = np.array([succeeded(outcome) for _, outcome in rows], dtype=int)
    if len(rows) < MINIMUM_ROWS or labels.min(initial=0) == labels.max(initial=0):
        raise NotEnoughOutcomes(
            f"Training needs at least {MINIMUM_ROWS} shown matches with outcomes, some that "
            f"worked and some that did not (have {len(rows)})."
        )
    matrix = np.array([[features.get(name, 0.0) for name in FEATURES] for features, _ in rows])
    weights, auc = fit_weights(matrix, labels)
    now = now or utcnow()
    model = RankerModel(
        version=f"lr-{now:%Y%m%d%H%M%S%f}",
        created_at=now,
        weights=weights,
        training_rows=len(rows),
        metrics={"cv_roc_auc": auc, "positive_rate": float(labels.mean())},
    )
    session.add(model)
    return model
