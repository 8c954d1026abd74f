"""The therapist catalog: every directory fact matching needs, as arrays, built once per version.

Pure (numpy and scikit-learn, no database): `build_catalog` takes plain records, so the service,
the offline evaluation and the benchmark all rank through the very same code.
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import numpy as np
from scipy import sparse
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.preprocessing import MultiLabelBinarizer, normalize

from app.directory.models import FACETS
from app.jurisdictions import license_scopes
from app.vocabularies import VOCABULARIES

# Every facet's codes become one-hot columns. These three describe what a therapist does: their
# columns are the whole vocabulary (other codes are dropped); the rest take the codes that occur.
TAG_FACETS = ("specialties", "modalities", "communities")
NO_WORDS = "\u0000"  # a token no bio can contain: the vocabulary of a catalog with no words
TAG_VOCABULARIES = {facet: VOCABULARIES[FACETS[facet].vocabulary] for facet in TAG_FACETS}


@dataclass(frozen=True)
class TherapistRecord:
    """What matching knows about one therapist (plain values)."""

    id: uuid.UUID
    display_name: str
    clinic_id: uuid.UUID
    bio: str
    gender: str | None
    accepting_new_clients: bool
    max_caseload: int
    risk_trained: bool
    self_pay_rate_cents: int
    sliding_scale_min_cents: int | None
    licenses: Sequence[tuple[str, date]]  # (jurisdiction, expires_on)
    facets: dict[str, Sequence[str]] = field(default_factory=dict)


@dataclass
class Catalog:
    """Column-oriented therapist data with fitted encoders."""

    version: str
    ids: list[uuid.UUID]
    position: dict[uuid.UUID, int]
    accepting: np.ndarray
    max_caseload: np.ndarray
    risk_trained: np.ndarray
    gender: np.ndarray
    lowest_fee: np.ndarray  # the sliding-scale floor, or the full rate without one
    full_fee: np.ndarray
    licenses: dict[str, tuple[np.ndarray, np.ndarray]]  # jurisdiction -> (rows, expiry ordinals)
    binarizers: dict[str, MultiLabelBinarizer]
    facet_matrices: dict[str, sparse.csr_matrix]
    text: sparse.csr_matrix  # L2-normalised TF-IDF of bios
    vectorizer: TfidfVectorizer

    def __len__(self) -> int:
        return len(self.ids)

    def licensed(self, jurisdiction: str, on: date) -> np.ndarray:
        """Rows with a license in the jurisdiction valid on that date."""
        return self.license_expiry(jurisdiction) >= on.toordinal()

    def license_expiry(self, jurisdiction: str) -> np.ndarray:
        """Per row, the last day (ordinal) a license covering the jurisdiction holds (0: none)."""
        last = np.zeros(len(self), dtype=np.int64)
        for scope in license_scopes(jurisdiction):
            rows, expiry = self.licenses.get(scope, (np.empty(0, int), np.empty(0, int)))
            np.maximum.at(last, rows.astype(np.int64), expiry.astype(np.int64))
        return last

    def has_any(self, facet: str, codes: Sequence[str]) -> np.ndarray:
        """Rows having at least one of the codes in the facet."""
        classes = self.binarizers[facet].classes_
        columns = [int(np.searchsorted(classes, c)) for c in codes if c in set(classes)]
        if not columns:
            return np.zeros(len(self), dtype=bool)
        return np.asarray(self.facet_matrices[facet][:, columns].sum(axis=1)).ravel() > 0

    def coverage(self, facet: str, codes: Sequence[str], rows: np.ndarray) -> np.ndarray:
        """For each row, the share of the codes it has (1.0: every one of them)."""
        classes = self.binarizers[facet].classes_
        columns = [int(np.searchsorted(classes, c)) for c in codes if c in set(classes)]
        if not columns:
            return np.zeros(len(rows))
        hits = self.facet_matrices[facet][rows][:, columns].sum(axis=1)
        return np.asarray(hits).ravel() / len(codes)

    def codes_of(self, row: int, facet: str) -> set[str]:
        """The codes one therapist has in a facet."""
        matrix = self.facet_matrices[facet]
        start, end = matrix.indptr[row], matrix.indptr[row + 1]
        return set(self.binarizers[facet].classes_[matrix.indices[start:end]])


def _binarize(
    facet: str, records: Sequence[TherapistRecord]
) -> tuple[MultiLabelBinarizer, sparse.csr_matrix]:
    vocabulary = TAG_VOCABULARIES.get(facet)
    binarizer = MultiLabelBinarizer(
        classes=sorted(vocabulary) if vocabulary else None, sparse_output=True
    )
    values = [list(r.facets.get(facet, ())) for r in records]
    if vocabulary is None:
        binarizer.fit([*values, []])
    else:
        binarizer.fit([])
        values = [[v for v in row if v in vocabulary] for row in values]
    return binarizer, sparse.csr_matrix(binarizer.transform(values), dtype=np.float32)


def _fit_text(bios: list[str]) -> tuple[TfidfVectorizer, sparse.csr_matrix]:
    """TF-IDF of the bios; with no usable word at all (blank or stop words only), an empty one."""
    options: dict[str, Any] = {"sublinear_tf": True, "dtype": np.float32}
    vectorizer = TfidfVectorizer(stop_words="english", min_df=1, max_features=20_000, **options)
    try:
        text = vectorizer.fit_transform(bios or [""])
    except ValueError:  # scikit-learn refuses an empty vocabulary
        vectorizer = TfidfVectorizer(vocabulary=[NO_WORDS], **options)
        text = vectorizer.fit_transform(bios or [""])
    return vectorizer, normalize(text)[: len(bios)]  # normalize needs a row: slice after


def build_catalog(records: Sequence[TherapistRecord], *, version: str) -> Catalog:
    """Encode every record; O(total facet codes + bio words)."""
    binarizers, matrices = {}, {}
    for facet in FACETS:
        binarizers[facet], matrices[facet] = _binarize(facet, records)
    licenses: dict[str, list[tuple[int, int]]] = defaultdict(list)
    for row, record in enumerate(records):
        for jurisdiction, expires_on in record.licenses:
            licenses[jurisdiction].append((row, expires_on.toordinal()))
    vectorizer, text = _fit_text([r.bio or "" for r in records])
    full_fee = np.array([r.self_pay_rate_cents for r in records], dtype=float)
    floor = np.array(
        [
            r.sliding_scale_min_cents
            if r.sliding_scale_min_cents is not None
            else r.self_pay_rate_cents
            for r in records
        ],
        dtype=float,
    )
    return Catalog(
        version=version,
        ids=[r.id for r in records],
        position={r.id: row for row, r in enumerate(records)},
        accepting=np.array([r.accepting_new_clients for r in records], dtype=bool),
        max_caseload=np.array([r.max_caseload for r in records], dtype=float),
        risk_trained=np.array([r.risk_trained for r in records], dtype=bool),
        gender=np.array([r.gender or "" for r in records], dtype=object),
        lowest_fee=floor,
        full_fee=full_fee,
        licenses={
            j: (np.array([r for r, _ in rows]), np.array([e for _, e in rows]))
            for j, rows in licenses.items()
        },
        binarizers=binarizers,
        facet_matrices=matrices,
        text=text,
        vectorizer=vectorizer,
    )


def query_text(catalog: Catalog, text: str) -> sparse.csr_matrix:
    """The intake's words as a normalised TF-IDF row."""
    return normalize(catalog.vectorizer.transform([text]))
