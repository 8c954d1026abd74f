"""The match use case: an intake in, ranked and explained therapists with open times out."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.audit import record_phi_access
from app.clock import utcnow
from app.db.unit_of_work import unit_of_work
from app.directory.ages import age_group_of
from app.directory.models import ClientProfile, TherapistProfile
from app.encryption import FieldCipher
from app.identity.service import Principal
from app.vocabularies import WEEKDAYS
from matching.intake.crisis import CrisisDirectory
from matching.intake.crisis_lines import CrisisLine
from matching.intake.models import Intake
from matching.intake.service import own_intake
from matching.matches.models import MatchDecline, MatchExposure
from matching.ranking.cache import active_clients, catalog_cache
from matching.ranking.catalog import Catalog
from matching.ranking.constraints import Needs, Relaxation
from matching.ranking.criteria import Window, split_request, window_test
from matching.ranking.ranker import DEFAULT_WEIGHTS, Match, OpenTimes, Ranking, Wishes, rank
from matching.training.models import RankerModel
from scheduling.slots.service import next_free_slots
from scheduling.support_groups.recommend import SHOWN as GROUPS_SHOWN
from scheduling.support_groups.recommend import GroupRecommendation, recommend_groups


@dataclass
class RankedTherapist:
    """A match as the client sees it; openings are in the client's time zone."""

    therapist: TherapistProfile
    score: float
    reasons: list[str]
    next_openings: list[datetime]


@dataclass
class MatchList:
    """What GET /intakes/{id}/matches answers."""

    intake_id: uuid.UUID
    high_risk: bool
    higher_level_of_care: bool
    crisis_resources: list[CrisisLine] | None
    model_version: str
    matches: list[RankedTherapist]
    no_match: dict[str, Any] | None = None
    located_in: str | None = None  # the jurisdiction matched for; book with the same one
    groups: list[GroupRecommendation] = field(default_factory=list)  # the first GROUPS_SHOWN
    groups_total: int = 0


def _no_match(relaxations: list[Relaxation], feasible_count: int, no_open: int) -> dict[str, Any]:
    """Why nothing fits, and which single change would help how much."""
    if feasible_count:
        message = (
            f"{feasible_count} therapists fit your needs but none has an opening in the "
            "next days; try again soon or widen your preferred times."
        )
    elif relaxations:
        message = "No therapist meets every requirement. Relaxing one of these would help."
    else:
        message = "No therapist is licensed and available where you are right now."
    return {
        "message": message,
        "therapists_without_openings": no_open,
        "relaxations": [
            {"constraint": r.constraint, "suggestion": r.suggestion, "therapists": r.therapists}
            for r in relaxations
        ],
    }


def current_weights(*, session: Session) -> tuple[str, dict[str, float]]:
    """The newest trained weights, or the documented defaults."""
    model = session.scalar(select(RankerModel).order_by(RankerModel.created_at.desc()).limit(1))
    if model is None:
        return "default", dict(DEFAULT_WEIGHTS)
    return model.version, dict(model.weights)


def needs_and_wishes(
    intake: Intake,
    client: ClientProfile,
    *,
    starts: date,
    through: date,
    declined: frozenset[int],
) -> tuple[Needs, Wishes]:
    """Split an intake into hard needs and soft wishes (window dates local to the intake)."""
    return split_request(
        jurisdiction=intake.jurisdiction,
        concerns=intake.concerns,
        phq9_band=intake.phq9_band,
        gad7_band=intake.gad7_band,
        high_risk=intake.high_risk,
        preferences=intake.preferences,
        payment=intake.payment,
        age_group=age_group_of(client.age_group, client.date_of_birth, through),
        starts=starts,
        through=through,
        timezone=intake.timezone,
        declined=declined,
    )


def _preferred_windows(intake: Intake) -> list[Window]:
    return [
        (WEEKDAYS.index(w["weekday"]), w["start_minute"], w["end_minute"])
        for w in intake.preferred_times
    ]


def find_matches(
    *,
    session: Session,
    principal: Principal,
    intake_id: uuid.UUID,
    limit: int,
    window_days: int,
    crisis: CrisisDirectory,
    cipher: FieldCipher,
) -> MatchList:
    """Rank therapists for the caller's intake, with reasons and their next open times."""
    # Ranking only reads, so it runs outside the unit of work: on SQLite the write lock is
    # then held for the few inserts that record what was shown, not across the ranking.
    intake = own_intake(principal, intake_id, session=session)
    client = session.get_one(ClientProfile, intake.client_id)
    now = utcnow()
    window_end = now + timedelta(days=window_days)
    catalog = catalog_cache.catalog(session=session)
    declined_ids = session.scalars(
        select(MatchDecline.therapist_id).where(MatchDecline.intake_id == intake.id)
    )
    declined = frozenset(catalog.position[t] for t in declined_ids if t in catalog.position)
    zone = ZoneInfo(intake.timezone)
    needs, wishes = needs_and_wishes(
        intake,
        client,
        starts=now.astimezone(zone).date(),
        through=window_end.astimezone(zone).date(),
        declined=declined,
    )
    if intake.free_text_encrypted:
        wishes = replace(wishes, text=cipher.decrypt(intake.free_text_encrypted))
    version, weights = current_weights(session=session)
    ranking = rank(
        catalog,
        needs,
        wishes,
        active=active_clients(catalog, session=session),
        effectiveness=catalog_cache.effectiveness(catalog, session=session),
        weights=weights,
        limit=limit,
        open_times=_open_times(catalog, session=session, now=now, end=window_end),
        in_preferred_window=window_test(_preferred_windows(intake), intake.timezone),
        window_days=window_days,
        crisis=intake.high_risk,
    )
    answer = _match_list(intake, ranking, version, crisis, session=session)
    groups = recommend_groups(
        session=session,
        client=client,
        concerns=list(intake.concerns),
        languages=list(intake.preferences.get("languages") or []),
        located_in=intake.jurisdiction,
        now=now,
        fallback=not ranking.matches,  # nobody fits, or nobody has an opening: any group helps
        high_risk=intake.high_risk,
    )
    answer.groups, answer.groups_total = groups[:GROUPS_SHOWN], len(groups)
    record_exposures(
        session=session,
        intake=intake,
        matches=ranking.matches,
        version=version,
        reader_id=principal.user.id,
    )
    return answer


def _open_times(catalog: Catalog, *, session: Session, now: datetime, end: datetime) -> OpenTimes:
    """The ranker's callback: open times until `end` of the therapists in rows, earliest first,
    every one of them unless a limit is given (the window is never truncated)."""
    every_one = int((end - now) / timedelta(minutes=1)) + 1  # slots lie at least a minute apart

    def open_times(rows: list[int], limit: int | None) -> dict[int, list[datetime]]:
        ids = [catalog.ids[r] for r in rows]
        profiles = session.scalars(select(TherapistProfile).where(TherapistProfile.id.in_(ids)))
        slots = next_free_slots(
            list(profiles),
            session=session,
            start=now,
            end=end,
            per_therapist=every_one if limit is None else limit,
            now=now,
        )
        return {catalog.position[t]: found for t, found in slots.items()}

    return open_times


def _match_list(
    intake: Intake, ranking: Ranking, version: str, crisis: CrisisDirectory, *, session: Session
) -> MatchList:
    """The answer as the client sees it: profiles, openings in their zone, or why none fit."""
    profiles = {
        p.id: p
        for p in session.scalars(
            select(TherapistProfile).where(
                TherapistProfile.id.in_([m.therapist_id for m in ranking.matches])
            )
        )
    }
    zone = ZoneInfo(intake.timezone)
    return MatchList(
        intake_id=intake.id,
        high_risk=intake.high_risk,
        higher_level_of_care=intake.higher_level_of_care,
        crisis_resources=crisis.resources_for(intake.jurisdiction) if intake.high_risk else None,
        model_version=version,
        matches=[
            RankedTherapist(
                profiles[m.therapist_id],
                m.score,
                m.reasons,
                [t.astimezone(zone) for t in m.openings],
            )
            for m in ranking.matches
        ],
        no_match=None
        if ranking.matches
        else _no_match(ranking.relaxations, ranking.feasible_count, ranking.no_open_times),
        located_in=intake.jurisdiction,
    )


@unit_of_work
def record_exposures(
    *,
    session: Session,
    intake: Intake,
    matches: list[Match],
    version: str,
    reader_id: uuid.UUID | None = None,
) -> None:
    """Keep what was shown and why (outcomes train the weights later); audit the read."""
    intake_id = intake.id
    record_phi_access(
        session=session,
        actor_id=reader_id,
        action="read",
        resource_type="intake_matches",
        resource_id=intake_id,
        subject_client_id=intake.client_id,
    )
    shown = set(
        session.scalars(
            select(MatchExposure.therapist_id).where(MatchExposure.intake_id == intake_id)
        )
    )
    now = utcnow()
    for rank_position, match in enumerate(matches, start=1):
        if match.therapist_id not in shown:
            session.add(
                MatchExposure(
                    intake_id=intake_id,
                    therapist_id=match.therapist_id,
                    rank=rank_position,
                    features={k: round(v, 6) for k, v in match.features.items()},
                    model_version=version,
                    shown_at=now,
                )
            )
