"""The worker's periodic refresh of external calendars: each calendar fails alone."""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import timedelta

from sqlalchemy.orm import Session, sessionmaker

from scheduling.calendars.external import due_calendars, read_busy, record_refresh

logger = logging.getLogger(__name__)


class CalendarRefresh:
    """Fetch the URL calendars not tried within `every`; a failure keeps that calendar's data."""

    def __init__(self, fetch: Callable[[str], bytes], *, every: timedelta) -> None:
        self.fetch, self.every = fetch, every

    def __call__(self, sessions: sessionmaker[Session]) -> int:
        """Refresh every due calendar (fetching holds no lock); returns how many were tried."""
        with sessions() as session:
            due = due_calendars(session=session, every=self.every)
        for calendar in due:
            try:
                outcome = read_busy(calendar, self.fetch)
            except Exception as error:  # a bug in one feed's parsing must not stop the rest
                logger.exception(  # not the URL: feed URLs often carry a secret
                    "external calendar unreadable", extra={"calendar_id": str(calendar.calendar_id)}
                )
                outcome = f"The calendar could not be read ({type(error).__name__})."
            try:
                with sessions() as session:
                    record_refresh(
                        session=session, calendar_id=calendar.calendar_id, outcome=outcome
                    )
            except Exception:
                logger.exception("external calendar refresh not saved")
        return len(due)
