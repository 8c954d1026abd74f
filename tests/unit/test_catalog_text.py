"""The catalog's bio text: blank or stop-word-only bios never break a catalog or a query."""

from __future__ import annotations

import uuid
from datetime import date

import pytest

from matching.ranking.catalog import TherapistRecord, build_catalog, query_text


def record(bio: str) -> TherapistRecord:
    return TherapistRecord(
        id=uuid.uuid4(),
        display_name="T",
        clinic_id=uuid.uuid4(),
        bio=bio,
        gender=None,
        accepting_new_clients=True,
        max_caseload=20,
        risk_trained=False,
        self_pay_rate_cents=10_000,
        sliding_scale_min_cents=None,
        licenses=[("US-CA", date(2030, 1, 1))],
    )


@pytest.mark.parametrize("bios", [["", ""], ["the and of", "  "], []])
def test_bios_without_a_usable_word_give_an_empty_text_space(bios):
    catalog = build_catalog([record(b) for b in bios], version="v")
    assert catalog.text.shape[0] == len(bios)
    assert catalog.text.nnz == 0
    assert query_text(catalog, "anxiety and sleep").nnz == 0


def test_words_in_one_bio_are_still_matched():
    catalog = build_catalog([record(""), record("Anxiety and sleep")], version="v")
    similarity = (catalog.text @ query_text(catalog, "sleep").T).toarray().ravel()
    assert similarity[0] == 0
    assert similarity[1] > 0
