"""Reading a clinic report: who may, for which window, audit-logged, small counts hidden."""

from __future__ import annotations

import uuid
from datetime import date

from sqlalchemy.orm import Session

from app.audit import record_phi_access
from app.db.unit_of_work import unit_of_work
from app.directory.models import Clinic, TherapistProfile
from app.exceptions import PermissionDenied
from app.identity.models import Role
from app.identity.service import Principal
from app.insights.catalog import REPORTS, run
from app.insights.exceptions import InvalidReportWindow, ReportNotFound
from app.reporting.periods import Granularity, periods
from app.reporting.tables import ReportQuery, ReportTable, hide_small_counts
from scheduling.appointments.access import therapist_profile_of

LONGEST_DAYS = {"week": 7 * 104, "month": 731}


def _scope(
    principal: Principal, clinic_id: uuid.UUID, therapist_id: uuid.UUID | None, *, session: Session
) -> uuid.UUID | None:
    """The therapist the caller may see rows of (None: the whole clinic); 404 otherwise."""
    if principal.role is Role.CLIENT:
        raise PermissionDenied("Reports are for the clinic's staff.")
    if principal.user.clinic_id != clinic_id:
        raise ReportNotFound("No clinic with this id.")
    if principal.role is Role.THERAPIST:
        own = therapist_profile_of(principal, session=session)
        if own is None or (therapist_id is not None and therapist_id != own.id):
            raise ReportNotFound("No therapist with this id in your reports.")
        return own.id
    if therapist_id is not None:
        therapist = session.get(TherapistProfile, therapist_id)
        if therapist is None or therapist.clinic_id != clinic_id:
            raise ReportNotFound("No therapist with this id in this clinic.")
    return therapist_id


def _check_window(start: date, end: date, granularity: Granularity) -> None:
    if start >= end:
        raise InvalidReportWindow(
            "The report window must end after it starts.", errors={"to": ["Must be after from."]}
        )
    if (end - start).days > LONGEST_DAYS[granularity]:
        raise InvalidReportWindow(
            "The window is too long: at most 104 weeks by week or 24 months by month.",
            errors={"to": [f"At most {LONGEST_DAYS[granularity]} days after from."]},
        )


@unit_of_work
def _record_read(
    *, session: Session, principal: Principal, clinic_id: uuid.UUID, name: str
) -> None:
    record_phi_access(
        session=session,
        actor_id=principal.user.id,
        action=f"report.read:{name}",
        resource_type="clinic_report",
        resource_id=clinic_id,
        clinic_id=clinic_id,
    )


def read_report(
    *,
    session: Session,
    principal: Principal,
    clinic_id: uuid.UUID,
    name: str,
    start: date,
    end: date,
    granularity: Granularity = "week",
    therapist_id: uuid.UUID | None = None,
) -> ReportTable:
    """One report of one clinic for [start, end) in the clinic's zone."""
    if name not in REPORTS:
        raise ReportNotFound(f"No report named {name!r}; reports: {', '.join(REPORTS)}.")
    therapist_id = _scope(principal, clinic_id, therapist_id, session=session)
    _check_window(start, end, granularity)
    clinic = session.get_one(Clinic, clinic_id)
    query = ReportQuery(
        clinic_id=clinic_id,
        timezone=clinic.timezone,
        start=start,
        end=end,
        granularity=granularity,
        periods=periods(start, end, granularity, clinic.timezone),
        therapist_id=therapist_id,
    )
    table = hide_small_counts(run(name, query, session=session))
    _record_read(session=session, principal=principal, clinic_id=clinic_id, name=name)
    return table
