"""Directory search: filter therapists by license, facets and flags, one page at a time."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlalchemy import exists
from sqlalchemy.orm import Session, selectinload

from app.db.paging import Page, PageRequest, paginate
from app.directory.models import FACETS, TherapistFacet, TherapistLicense, TherapistProfile
from app.directory.therapists import live_therapists
from app.jurisdictions import license_scopes


@dataclass(frozen=True)
class TherapistFilters:
    """Directory filters; None means "any". `facets` maps a facet to a code it must list."""

    jurisdiction: str | None = None
    gender: str | None = None
    accepting_new_clients: bool | None = None
    facets: Mapping[str, str] = field(default_factory=dict)

    @classmethod
    def from_query(cls, query: Mapping[str, Any]) -> TherapistFilters:
        """Filters from the search's query parameters (each facet has its own parameter)."""
        facet_of = {f.parameter: name for name, f in FACETS.items()}
        return cls(
            **{key: value for key, value in query.items() if key not in facet_of},
            facets={facet_of[key]: value for key, value in query.items() if key in facet_of},
        )


def search_therapists(
    filters: TherapistFilters, *, session: Session, page: int, page_size: int, today: date
) -> Page[TherapistProfile]:
    """Return therapists matching every filter; a license counts only if unexpired today."""
    query = live_therapists().where(TherapistProfile.peer_facilitator.is_(False))
    if filters.jurisdiction is not None:
        query = query.where(
            exists().where(
                TherapistLicense.therapist_id == TherapistProfile.id,
                TherapistLicense.jurisdiction.in_(license_scopes(filters.jurisdiction)),
                TherapistLicense.expires_on >= today,
            )
        )
    for facet, wanted in filters.facets.items():
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

    ordered = query.options(selectinload(TherapistProfile.licenses)).order_by(
        TherapistProfile.display_name, TherapistProfile.id
    )
    return paginate(session, ordered, PageRequest(page, page_size))
