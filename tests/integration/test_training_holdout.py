"""`flask matching train` keeps the current model unless the fit ranks held-out intakes better."""

from __future__ import annotations

import math
import random
import uuid

import numpy as np
import pytest
from sqlalchemy import select

from app.clock import utcnow
from matching.matches.models import MatchExposure, MatchOutcome
from matching.training.models import RankerModel
from matching.training.service import held_out, ndcg_at
from tests.api.test_matching import submit, therapist
from tests.factories import auth_headers, make_client
from tests.matching_helpers import matching_clinic


def test_ndcg_by_hand():
    # ranked 0, 2, 1: gains 0, 1, 1 -> (1/log2 3 + 1/log2 4) / (1 + 1/log2 3)
    expected = (1 / math.log2(3) + 0.5) / (1 + 1 / math.log2(3))
    assert ndcg_at(np.array([0.9, 0.1, 0.5]), np.array([0, 1, 1])) == pytest.approx(expected)


def test_held_out_split_is_a_fixed_quarter():
    ids = [uuid.UUID(int=i) for i in range(12)]
    chosen = held_out(ids)
    assert len(chosen) == 3
    assert held_out(reversed(ids)) == chosen


def history(session, intake_ids, pool, *, held, rng):
    """Outcomes where fit to the concerns predicts success in the held-out intakes and failure
    everywhere else: what the fit learns from the rest misleads it."""
    for intake_id in intake_ids:
        for past in pool:
            features = {
                "similarity": rng.random(),
                "preferences": 0.5,
                "availability": 0.5,
                "effectiveness": 0.5,
                "capacity_load": 0.0,
            }
            fits = features["similarity"] > 0.5
            worked = fits if intake_id in held else not fits
            session.add(
                MatchExposure(
                    intake_id=intake_id,
                    therapist_id=past.id,
                    rank=1,
                    features=features,
                    model_version="default",
                    shown_at=utcnow(),
                )
            )
            session.add(
                MatchOutcome(
                    intake_id=intake_id,
                    therapist_id=past.id,
                    domain="anxiety",
                    booked=True,
                    sessions_attended=6 if worked else 1,
                    dropped_out=not worked,
                    score_change=None,
                    recorded_at=utcnow(),
                )
            )
    session.commit()


def test_training_that_would_make_ranking_worse_keeps_the_current_model(
    app, client, session, security
):
    clinic = matching_clinic(session)
    patient = make_client(session, security, jurisdiction="US-CA", age_group="adults")
    headers = auth_headers(client, patient.user)
    pool = [therapist(session, security, clinic, f"Past {i}", hours=None) for i in range(10)]
    intake_ids = [uuid.UUID(submit(client, headers)["id"]) for _ in range(8)]
    held = held_out(intake_ids)
    history(session, intake_ids, pool, held=held, rng=random.Random(3))
    result = app.test_cli_runner().invoke(args=["matching", "train"])
    assert result.exit_code == 0, result.output
    assert "held-out NDCG@10: current model (default)" in result.output
    assert "newly fitted" in result.output
    assert "kept default" in result.output
    assert session.scalars(select(RankerModel)).all() == []
    figures = result.output.split("current model (default) ")[1].split(", newly fitted ")
    current, fitted = float(figures[0]), float(figures[1].split()[0])
    assert fitted < current
