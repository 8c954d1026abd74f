"""An intake's answers split into hard needs and soft wishes, and its preferred-window test. Pure.

Shared by the match service and the offline evaluation, so both rank exactly the same request.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from matching.ranking.constraints import Needs
from matching.ranking.effectiveness import domains_of
from matching.ranking.ranker import Wishes

Window = tuple[int, int, int]  # weekday (0 = Monday), start minute, end minute


def split_request(
    *,
    jurisdiction: str,
    concerns: Sequence[str],
    phq9_band: str,
    gad7_band: str,
    high_risk: bool,
    preferences: Mapping[str, Any],
    payment: Mapping[str, Any],
    age_group: str | None,
    starts: date,
    through: date,
    timezone: str = "UTC",
    text: str = "",
    declined: frozenset[int] = frozenset(),
) -> tuple[Needs, Wishes]:
    """Hard needs (never relaxed silently) and soft wishes of one request.

    The window runs from `starts` to `through` (local dates in `timezone`, the client's zone): a
    therapist must be licensed on its first day, and openings after the license expires are cut.
    """
    self_pay = payment["method"] == "self_pay"
    needs = Needs(
        jurisdiction=jurisdiction,
        licensed_on=starts,
        timezone=timezone,
        languages=preferences.get("languages") or (),
        insurance_plan=None if self_pay else payment.get("insurance_plan"),
        max_fee_cents=payment.get("max_per_session_cents") if self_pay else None,
        age_group=age_group,
        format=preferences.get("format"),
        risk_trained_only=high_risk,
        excluded=declined,
    )
    wishes = Wishes(
        concerns=concerns,
        text=text,
        modalities=preferences.get("modalities") or (),
        communities=preferences.get("communities") or (),
        gender=preferences.get("gender"),
        faith_based=preferences.get("faith_based"),
        domains=domains_of(concerns, phq9_band=phq9_band, gad7_band=gad7_band),
    )
    return needs, wishes


def window_test(windows: Sequence[Window], zone: str) -> Callable[[datetime], bool] | None:
    """Whether an instant falls in one of the weekly windows, in the client's zone."""
    if not windows:
        return None
    tz = ZoneInfo(zone)
    known: dict[datetime, bool] = {}  # therapists share slot times: convert each instant once

    def inside(instant: datetime) -> bool:
        found = known.get(instant)
        if found is None:
            local = instant.astimezone(tz)
            minute = local.hour * 60 + local.minute
            found = any(local.weekday() == d and a <= minute < b for d, a, b in windows)
            known[instant] = found
        return found

    return inside
