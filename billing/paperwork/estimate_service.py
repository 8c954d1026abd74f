"""Good-faith estimate use cases: ask for one, list them, read one (JSON or PDF)."""

from __future__ import annotations

import uuid

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.db.unit_of_work import unit_of_work
from app.directory.models import TherapistProfile
from app.identity.models import Role
from app.identity.service import Principal
from billing.paperwork.access import client_scope
from billing.paperwork.estimates import (
    DEFAULT_EXPECTED_SESSIONS,
    EstimateView,
    audit_estimate,
    issue_estimate,
    view_of,
)
from billing.paperwork.exceptions import EstimateNotFound, InvalidEstimateRequest
from billing.paperwork.models import GoodFaithEstimate
from billing.paperwork.pdf import estimate_pdf
from scheduling.appointments.access import client_profile_of, therapist_profile_of
from scheduling.session_types.models import SessionType

NO_SUCH_ESTIMATE = "No good-faith estimate with this id."


def _offered_type(
    therapist: TherapistProfile, session_type_id: uuid.UUID, *, session: Session
) -> SessionType:
    session_type = session.get(SessionType, session_type_id)
    offered = session_type is not None and (
        session_type.therapist_id == therapist.id
        or (session_type.therapist_id is None and session_type.clinic_id == therapist.clinic_id)
    )
    if session_type is None or not offered or not session_type.active:
        raise InvalidEstimateRequest(
            "The therapist offers no such session type.", errors={"session_type_id": ["Unknown."]}
        )
    if session_type.is_group:
        raise InvalidEstimateRequest(
            "Estimates are for one-to-one sessions; this is a group session type.",
            errors={"session_type_id": ["A group session type."]},
        )
    return session_type


@unit_of_work
def request_estimate(
    *,
    session: Session,
    principal: Principal,
    therapist_id: uuid.UUID,
    session_type_id: uuid.UUID,
    expected_sessions: int = DEFAULT_EXPECTED_SESSIONS,
) -> EstimateView:
    """Issue a good-faith estimate the client asked for (any client, insured or not)."""
    client = client_profile_of(principal, session=session)
    therapist = session.get(TherapistProfile, therapist_id)
    if therapist is None:
        raise InvalidEstimateRequest(
            "No therapist with this id.", errors={"therapist_id": ["Unknown therapist."]}
        )
    if not 1 <= expected_sessions <= 52:
        raise InvalidEstimateRequest(
            "Expect between 1 and 52 sessions.", errors={"expected_sessions": ["1 to 52."]}
        )
    estimate = issue_estimate(
        session=session,
        client=client,
        therapist=therapist,
        session_type=_offered_type(therapist, session_type_id, session=session),
        expected_sessions=expected_sessions,
        jurisdiction=client.jurisdiction,
    )
    audit_estimate(session=session, actor_id=principal.user.id, estimate=estimate, action="create")
    return view_of(estimate, session=session)


@unit_of_work
def list_estimates(
    *, session: Session, principal: Principal, client_id: uuid.UUID | None = None
) -> list[EstimateView]:
    """A client's estimates, newest first (clients their own; staff with client_id)."""
    scope = client_scope(principal, client_id, session=session)
    estimates = session.scalars(
        select(GoodFaithEstimate)
        .where(scope.estimates())
        .order_by(GoodFaithEstimate.issued_at.desc())
    ).all()
    for estimate in estimates:
        audit_estimate(session=session, actor_id=principal.user.id, estimate=estimate)
    return [view_of(estimate, session=session) for estimate in estimates]


def _visible_estimate(
    principal: Principal, estimate_id: uuid.UUID, *, session: Session
) -> GoodFaithEstimate:
    """The estimate if it is the caller's, their client's or their clinic's; else 404."""
    estimate = session.get(GoodFaithEstimate, estimate_id)
    if estimate is None:
        raise EstimateNotFound(NO_SUCH_ESTIMATE)
    if principal.role is Role.CLIENT:
        visible = estimate.client_id == client_profile_of(principal, session=session).id
    elif principal.role is Role.THERAPIST:
        therapist = therapist_profile_of(principal, session=session)
        visible = therapist is not None and estimate.therapist_id == therapist.id
    else:
        visible = estimate.clinic_id == principal.user.clinic_id
    if not visible:
        raise EstimateNotFound(NO_SUCH_ESTIMATE)
    audit_estimate(session=session, actor_id=principal.user.id, estimate=estimate)
    return estimate


@unit_of_work
def read_estimate(
    *, session: Session, principal: Principal, estimate_id: uuid.UUID
) -> EstimateView:
    """One estimate (audit-logged)."""
    return view_of(_visible_estimate(principal, estimate_id, session=session), session=session)


@unit_of_work
def read_estimate_pdf(*, session: Session, principal: Principal, estimate_id: uuid.UUID) -> bytes:
    """One estimate as a PDF (audit-logged)."""
    estimate = _visible_estimate(principal, estimate_id, session=session)
    return estimate_pdf(view_of(estimate, session=session))
