"""Groups to recommend beside therapists: on the client's concerns, or any while none fits."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.directory.ages import age_group_of
from app.directory.models import ClientProfile
from app.vocabularies import CONCERNS
from scheduling.support_groups.discovery import GroupListing, listings
from scheduling.support_groups.models import GroupKind, GroupMember, MemberStatus, SupportGroup
from scheduling.support_groups.reach import PlaceRule

SHOWN = 10  # recommendations listed; `group_recommendations_total` counts them all


@dataclass(frozen=True)
class GroupRecommendation:
    """A group the client could join, and why it is suggested."""

    listing: GroupListing
    reason: str


def _reason(group: SupportGroup, concerns: list[str], fallback: bool) -> str | None:
    kind = "therapy group" if group.kind is GroupKind.THERAPY else "peer support group"
    topic = CONCERNS.get(group.topic, group.topic).lower()
    if group.topic in concerns:
        return f"A {kind} about {topic}, one of your concerns"
    if fallback:
        return f"Open to you while no therapist fits or has an opening: a {kind} about {topic}"
    return None


def recommend_groups(
    *,
    session: Session,
    client: ClientProfile,
    concerns: list[str],
    languages: list[str],
    located_in: str,
    now: datetime,
    fallback: bool,
    high_risk: bool = False,
) -> list[GroupRecommendation]:
    """Joinable groups (age, language, place, not banned or already in) on the concerns first.

    A client at risk is pointed to therapy groups only: a peer group is no place for a crisis.
    """
    query = select(SupportGroup).where(
        SupportGroup.ended_at.is_(None),
        SupportGroup.age_group == age_group_of(client.age_group, client.date_of_birth, now.date()),
    )
    if languages:
        query = query.where(SupportGroup.language.in_(languages))
    if not fallback:
        query = query.where(SupportGroup.topic.in_(concerns))
    if high_risk:
        query = query.where(SupportGroup.kind == GroupKind.THERAPY)
    excluded = set(
        session.scalars(
            select(GroupMember.group_id).where(
                GroupMember.client_id == client.id,
                GroupMember.status.in_((MemberStatus.ACTIVE, MemberStatus.BANNED)),
            )
        )
    )
    found = []
    candidates = list(session.scalars(query))
    place = PlaceRule(session, located_in, candidates)
    for listing in listings(session, candidates, now):
        reason = _reason(listing.group, concerns, fallback)
        if listing.group.id in excluded or reason is None:
            continue
        if place.allows(listing.group, listing.meetings[0].starts_at.date()):
            found.append(GroupRecommendation(listing, reason))
    found.sort(
        key=lambda r: (
            r.listing.group.topic not in concerns,
            r.listing.meetings[0].starts_at,
            str(r.listing.group.id),
        )
    )
    return found
