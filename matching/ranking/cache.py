"""The process-wide catalog and effectiveness tables, rebuilt only when their data changes."""

from __future__ import annotations

import threading
from datetime import timedelta

import numpy as np
from sqlalchemy import distinct, func, select
from sqlalchemy.orm import Session, selectinload

from app.clock import utcnow
from app.directory.models import FACETS, TherapistProfile, directory_revision
from app.directory.therapists import live_therapists
from matching.matches.models import MatchOutcome
from matching.ranking.catalog import Catalog, TherapistRecord, build_catalog
from matching.ranking.effectiveness import effectiveness_table
from scheduling.appointments.models import TAKES_TIME_STATUSES, Appointment

ACTIVE_CLIENT_LOOKBACK = timedelta(days=90)


class CatalogCache:
    """One catalog per database, keyed by the directory revision; safe across threads."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._catalogs: dict[str, Catalog] = {}
        self._effectiveness: dict[str, tuple[tuple[str, int, object], np.ndarray]] = {}

    def catalog(self, *, session: Session) -> Catalog:
        """The catalog for the session's database, rebuilt if the directory changed."""
        key = str(session.get_bind().engine.url)
        version = directory_revision(session=session)
        cached = self._catalogs.get(key)
        if cached is not None and cached.version == version:
            return cached
        with self._lock:
            cached = self._catalogs.get(key)
            if cached is None or cached.version != version:
                cached = build_catalog(load_records(session=session), version=version)
                self._catalogs[key] = cached
        return cached

    def effectiveness(self, catalog: Catalog, *, session: Session) -> np.ndarray:
        """Shrunk effectiveness per therapist and domain, rebuilt when outcomes change."""
        key = str(session.get_bind().engine.url)
        count, latest = session.execute(
            select(func.count(MatchOutcome.id), func.max(MatchOutcome.recorded_at))
        ).one()
        stamp = (catalog.version, count, latest)
        cached = self._effectiveness.get(key)
        if cached is not None and cached[0] == stamp:
            return cached[1]
        rows = session.execute(
            select(MatchOutcome.therapist_id, MatchOutcome.domain, MatchOutcome.score_change).where(
                MatchOutcome.score_change.is_not(None)
            )
        )
        observations = [
            (catalog.position[t], domain, -float(change))
            for t, domain, change in rows
            if t in catalog.position and change is not None
        ]
        table = effectiveness_table(len(catalog), observations)
        self._effectiveness[key] = (stamp, table)
        return table


def load_records(*, session: Session) -> list[TherapistRecord]:
    """Every listed therapist as a plain record (three queries)."""
    profiles = session.scalars(
        live_therapists().options(selectinload(TherapistProfile.licenses))
    ).all()
    return [
        TherapistRecord(
            id=p.id,
            display_name=p.display_name,
            clinic_id=p.clinic_id,
            bio=p.bio,
            gender=p.gender,
            accepting_new_clients=p.accepting_new_clients,
            max_caseload=p.max_caseload,
            risk_trained=p.risk_trained,
            self_pay_rate_cents=p.self_pay_rate_cents,
            sliding_scale_min_cents=p.sliding_scale_min_cents,
            licenses=[(lic.jurisdiction, lic.expires_on) for lic in p.licenses],
            facets={name: getattr(p, name) for name in FACETS},
        )
        for p in profiles
    ]


def active_clients(catalog: Catalog, *, session: Session) -> np.ndarray:
    """Distinct clients per therapist with a session in the last 90 days or booked ahead."""
    counts = np.zeros(len(catalog))
    since = utcnow() - ACTIVE_CLIENT_LOOKBACK
    for therapist_id, clients in session.execute(
        select(Appointment.therapist_id, func.count(distinct(Appointment.client_id)))
        .where(Appointment.status.in_(TAKES_TIME_STATUSES), Appointment.ends_at > since)
        .group_by(Appointment.therapist_id)
    ):
        row = catalog.position.get(therapist_id)
        if row is not None:
            counts[row] = clients
    return counts


catalog_cache = CatalogCache()
