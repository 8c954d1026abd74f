"""Open times as the client may book them: cut at a license's expiry, preferred ones shown first.

Pure. A session's date, for its license, is its local date in the client's zone (as booking checks).
"""

from __future__ import annotations

import bisect
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from matching.ranking.catalog import Catalog
from matching.ranking.constraints import Needs

SHOWN_OPENINGS = 3


class LicenseWindow:
    """Where each row's license ends inside the window: openings from then on are dropped."""

    def __init__(self, catalog: Catalog, needs: Needs, window_days: int) -> None:
        self._expiry = catalog.license_expiry(needs.jurisdiction)
        self._zone = ZoneInfo(needs.timezone)
        self._last_day = needs.licensed_on.toordinal() + window_days
        self.window_days = window_days

    def until(self, row: int) -> date | None:
        """The license's last valid day when that falls inside the window, else None."""
        last = int(self._expiry[row])
        return date.fromordinal(last) if last < self._last_day else None

    def cut(self, row: int, openings: list[datetime]) -> list[datetime]:
        """The sorted openings on or before the last valid day, in the client's zone."""
        last = self.until(row)
        if last is None:
            return openings
        ends = datetime.combine(last + timedelta(days=1), time(), tzinfo=self._zone)
        return openings[: bisect.bisect_left(openings, ends)]


def shown_openings(openings: list[datetime], preferred: list[datetime]) -> list[datetime]:
    """The openings to show: the earliest in the preferred windows first, then the earliest."""
    chosen = preferred[:SHOWN_OPENINGS]
    picked = set(chosen)
    return chosen + [t for t in openings if t not in picked][: SHOWN_OPENINGS - len(chosen)]
