"""Directory search: filter therapists by license, facets and flags, one page at a time."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import exists, func, select
from sqlalchemy.orm import Session, selectinload

from app.directory.models import TherapistFacet, TherapistLicense, TherapistProfile
from app.directory.therapists import live_therapists

# query parameter -> facet it filters on
FACET_FILTERS = {
    "language": "languages",
    "specialty": "specialties",
    "modality": "modalities",
    "insurance": "insurance_plans",
    "community": "communities",
    "age_group": "age_groups",
    "format": "formats",
}


@dataclass(frozen=True)
class TherapistFilters:
    """Directory filters; None means "any"."""

    jurisdiction: str | None = None
    gender: str | None = None
    accepting_new_clients: bool | None = None
    language: str | None = None
    specialty: str | None = None
    modality: str | None = None
    insurance: str | None = None
    community: str | None = None
    age_group: str | None = None
    format: str | None = None


@dataclass(frozen=True)
class Page:
    """One page of results with the total count."""

    items: list[TherapistProfile]
    page: int
    page_size: int
    total: int


def search_therapists(
    filters: TherapistFilters, *, session: Session, page: int, page_size: int, today: date
) -> Page:
    """Return therapists matching every filter; a license counts only if unexpired today."""
    query = live_therapists()
    if filters.jurisdiction is not None:
        query = query.where(
            exists().where(
                TherapistLicense.therapist_id == TherapistProfile.id,
                TherapistLicense.jurisdiction == filters.jurisdiction,
                TherapistLicense.expires_on >= today,
            )
        )
    for parameter, facet in FACET_FILTERS.items():
        wanted = getattr(filters, parameter)
        if wanted is not None:
            query = query.where(
                exists().where(
                    TherapistFacet.therapist_id == TherapistProfile.id,
                    TherapistFacet.facet == facet,
                    TherapistFacet.code == wanted,
                )
            )
    if filters.gender is not None:
        query = query.where(TherapistProfile.gender == filters.gender)
    if filters.accepting_new_clients is not None:
        query = query.where(TherapistProfile.accepting_new_clients == filters.accepting_new_clients)

    total = session.scalar(select(func.count()).select_from(query.subquery())) or 0
    items = session.scalars(
        query.options(selectinload(TherapistProfile.licenses))
        .order_by(TherapistProfile.display_name, TherapistProfile.id)
        .offset((page - 1) * page_size)
        .limit(page_size)
    ).all()
    return Page(list(items), page, page_size, total)
