"""Good-faith estimates for self-pay clients (US No Surprises Act, 45 CFR 149.610)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.audit import record_phi_access
from app.clock import utcnow
from app.directory.models import ClientProfile, TherapistProfile
from billing.paperwork.codes import DIAGNOSTIC_EVALUATION, describe, psychotherapy_code
from billing.paperwork.models import GoodFaithEstimate
from billing.paperwork.parties import Provider, provider_of
from billing.payments.models import Payment, PaymentStatus, Purpose
from billing.pricing.service import is_self_pay, session_price
from scheduling.appointments.models import Appointment, AppointmentKind, AppointmentStatus
from scheduling.session_types.models import SessionType

RESOURCE = "good_faith_estimate"
DEFAULT_EXPECTED_SESSIONS = 12
RENEW_AFTER = timedelta(days=365)  # a new first booking within 12 months gets no new estimate
DISPUTE_THRESHOLD = 40_000  # minor units: the bill may be disputed when this much above
DISCLAIMER = (
    "This Good Faith Estimate shows the costs of items and services that are reasonably "
    "expected for your health care needs for an item or service. The estimate is based on "
    "information known at the time the estimate was created. It does not include any unknown "
    "or unexpected costs that may arise during treatment. You could be charged more if "
    "complications or special circumstances occur. If this happens, federal law allows you to "
    "dispute (appeal) the bill. If you are billed for more than this Good Faith Estimate, you "
    "have the right to dispute the bill: if the bill is $400 or more above this estimate, you "
    "may start a dispute resolution process within 120 calendar days of the date on the bill. "
    "There is a $25 fee to use the dispute process. Make sure to save a copy or picture of "
    "this Good Faith Estimate. This estimate is not a contract and does not require you to "
    "obtain the services from this provider. For questions or more information about your "
    "right to a Good Faith Estimate, visit https://www.cms.gov/nosurprises or call "
    "1-800-985-3059."
)


@dataclass(frozen=True)
class EstimateView:
    """An issued estimate with its patient (read now) and how the bills compare to it."""

    estimate: GoodFaithEstimate
    patient_name: str
    date_of_birth: date | None
    provider: Provider
    billed: int
    disclaimer: str = DISCLAIMER

    @property
    def exceeds_estimate_by(self) -> int:
        """How much more than estimated has been billed (0 when within the estimate)."""
        return max(0, self.billed - self.estimate.total)

    @property
    def flagged(self) -> bool:
        """The bills exceed the estimate by more than $400: the client may dispute."""
        return self.billed - self.estimate.total > DISPUTE_THRESHOLD


def _has_held_session(client_id: uuid.UUID, therapist_id: uuid.UUID, *, session: Session) -> bool:
    return (
        session.scalar(
            select(func.count(Appointment.id)).where(
                Appointment.client_id == client_id,
                Appointment.therapist_id == therapist_id,
                Appointment.status == AppointmentStatus.FULFILLED,
            )
        )
        != 0
    )


def issue_estimate(
    *,
    session: Session,
    client: ClientProfile,
    therapist: TherapistProfile,
    session_type: SessionType,
    expected_sessions: int,
    jurisdiction: str | None,
    appointment_id: uuid.UUID | None = None,
) -> GoodFaithEstimate:
    """Price the expected sessions item by item and add the estimate (no commit)."""
    price = session_price(
        session=session, therapist=therapist, client_id=client.id, session_type_id=session_type.id
    )
    counts: list[tuple[str | None, int]] = []
    remaining = expected_sessions
    if not _has_held_session(client.id, therapist.id, session=session):
        counts.append((DIAGNOSTIC_EVALUATION, 1))
        remaining -= 1
    if remaining:
        counts.append((psychotherapy_code(session_type.duration_minutes), remaining))
    items: list[dict[str, Any]] = [
        {
            "cpt": cpt,
            "description": describe(cpt),
            "quantity": quantity,
            "unit_fee": price.amount,
            "amount": price.amount * quantity,
        }
        for cpt, quantity in counts
    ]
    now = utcnow()
    estimate = GoodFaithEstimate(
        clinic_id=therapist.clinic_id,
        client_id=client.id,
        therapist_id=therapist.id,
        session_type_id=session_type.id,
        appointment_id=appointment_id,
        issued_at=now,
        expected_sessions=expected_sessions,
        service_description=(
            f"Outpatient psychotherapy by telehealth ({session_type.format}): "
            f"{session_type.name[:80]}, {session_type.duration_minutes} minutes per session"
        ),
        items=items,
        total=sum(item["amount"] for item in items),
        currency=price.currency,
        provider=provider_of(
            therapist, therapist.clinic, jurisdiction=jurisdiction, on=now.date()
        ).as_json(),
    )
    session.add(estimate)
    session.flush()
    return estimate


def _recent_estimate_exists(
    client_id: uuid.UUID, therapist_id: uuid.UUID, *, session: Session
) -> bool:
    return (
        session.scalar(
            select(func.count(GoodFaithEstimate.id)).where(
                GoodFaithEstimate.client_id == client_id,
                GoodFaithEstimate.therapist_id == therapist_id,
                GoodFaithEstimate.issued_at > utcnow() - RENEW_AFTER,
            )
        )
        != 0
    )


def estimate_on_first_booking(appointment: Appointment, *, session: Session) -> None:
    """Issue a good-faith estimate when a self-pay client books a first session.

    Runs inside the booking's unit of work, after the appointment is flushed: it only adds
    rows. Nothing for group sessions, insured clients, a client who has (or had) another
    appointment with the therapist, or when an estimate was issued in the last 12 months.
    """
    client_id = appointment.client_id
    if appointment.kind is not AppointmentKind.INDIVIDUAL or client_id is None:
        return
    session_type = session.get(SessionType, appointment.session_type_id)
    if session_type is None or session_type.is_group:
        return
    if not is_self_pay(client_id, session=session):
        return
    earlier = session.scalar(
        select(func.count(Appointment.id)).where(
            Appointment.client_id == client_id,
            Appointment.therapist_id == appointment.therapist_id,
            Appointment.id != appointment.id,
            Appointment.status != AppointmentStatus.CANCELLED,
        )
    )
    if earlier or _recent_estimate_exists(client_id, appointment.therapist_id, session=session):
        return
    client = session.get(ClientProfile, client_id)
    therapist = session.get(TherapistProfile, appointment.therapist_id)
    if client is None or therapist is None:
        return
    estimate = issue_estimate(
        session=session,
        client=client,
        therapist=therapist,
        session_type=session_type,
        expected_sessions=DEFAULT_EXPECTED_SESSIONS,
        jurisdiction=appointment.client_located_in or client.jurisdiction,
        appointment_id=appointment.id,
    )
    audit_estimate(
        session=session, actor_id=appointment.created_by_id, estimate=estimate, action="create"
    )


def billed_total(
    client_id: uuid.UUID, therapist_id: uuid.UUID, currency: str, *, session: Session
) -> int:
    """Sessions billed to the client with the therapist: session payments not cancelled."""
    total = session.scalar(
        select(func.coalesce(func.sum(Payment.amount), 0))
        .join(Appointment, Appointment.id == Payment.appointment_id)
        .where(
            Payment.client_id == client_id,
            Appointment.therapist_id == therapist_id,
            Payment.purpose == Purpose.SESSION,
            Payment.status != PaymentStatus.CANCELED,
            Payment.currency == currency,
        )
    )
    return int(total or 0)


def latest_estimate(
    client_id: uuid.UUID, therapist_id: uuid.UUID, *, session: Session
) -> GoodFaithEstimate | None:
    """The client's newest estimate from the therapist."""
    return session.scalar(
        select(GoodFaithEstimate)
        .where(
            GoodFaithEstimate.client_id == client_id, GoodFaithEstimate.therapist_id == therapist_id
        )
        .order_by(GoodFaithEstimate.issued_at.desc())
        .limit(1)
    )


def over_estimate(client_id: uuid.UUID, therapist_id: uuid.UUID, *, session: Session) -> bool:
    """True when the client was billed more than $400 above the therapist's latest estimate."""
    estimate = latest_estimate(client_id, therapist_id, session=session)
    if estimate is None:
        return False
    billed = billed_total(client_id, therapist_id, estimate.currency, session=session)
    return billed - estimate.total > DISPUTE_THRESHOLD


def view_of(estimate: GoodFaithEstimate, *, session: Session) -> EstimateView:
    """The estimate with its patient and how the bills compare."""
    client = session.get_one(ClientProfile, estimate.client_id)
    return EstimateView(
        estimate=estimate,
        patient_name=client.legal_name or client.display_name,
        date_of_birth=client.date_of_birth,
        provider=Provider.from_json(estimate.provider),
        billed=billed_total(
            estimate.client_id, estimate.therapist_id, estimate.currency, session=session
        ),
    )


def audit_estimate(
    *,
    session: Session,
    actor_id: uuid.UUID | None,
    estimate: GoodFaithEstimate,
    action: str = "read",
) -> None:
    """Record who read or issued the estimate."""
    record_phi_access(
        session=session,
        actor_id=actor_id,
        action=action,
        resource_type=RESOURCE,
        resource_id=estimate.id,
        subject_client_id=estimate.client_id,
        clinic_id=estimate.clinic_id,
    )
