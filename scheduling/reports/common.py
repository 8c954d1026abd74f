"""What scheduling's reports share: the clinic's therapists in scope, rounding, rates."""

from __future__ import annotations

import uuid

from sqlalchemy import ColumnElement, select
from sqlalchemy.orm import Session

from app.directory.models import TherapistProfile
from app.reporting.tables import ReportQuery

CLINIC_ROW = "All therapists"


def therapists_in_scope(query: ReportQuery, *, session: Session) -> list[TherapistProfile]:
    """The clinic's therapists (or the one asked for), by name."""
    statement = select(TherapistProfile).where(TherapistProfile.clinic_id == query.clinic_id)
    if query.therapist_id is not None:
        statement = statement.where(TherapistProfile.id == query.therapist_id)
    return list(session.scalars(statement.order_by(TherapistProfile.display_name)))


def therapist_filter(
    column: ColumnElement[uuid.UUID], query: ReportQuery
) -> ColumnElement[bool] | None:
    """`column == therapist_id` when the report is about one therapist."""
    return column == query.therapist_id if query.therapist_id is not None else None


def rate(part: int, whole: int) -> float | None:
    """part / whole to four decimals; None when there is nothing to divide."""
    return round(part / whole, 4) if whole else None


def hours(seconds: float) -> float:
    """Seconds as hours to two decimals."""
    return round(seconds / 3600, 2)
