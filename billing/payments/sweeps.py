"""Periodic billing work: release the money of lapsed holds, capture sessions left unmarked."""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable
from datetime import timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from app.clock import utcnow
from app.db.unit_of_work import run_in_transaction
from billing.payments.models import Payment, PaymentStatus, Purpose
from billing.payments.topics import CAPTURE, RELEASE, queue_payment_work
from scheduling.appointments.holds import expire_stale_holds
from scheduling.appointments.models import Appointment, AppointmentStatus, is_hold

logger = logging.getLogger(__name__)
BATCH = 200
# A session nobody marked is taken as held this long after it ended, and captured.
UNMARKED_GRACE = timedelta(hours=24)
WAITING = (PaymentStatus.DUE, PaymentStatus.AUTHORIZED)
HELD = (AppointmentStatus.BOOKED, AppointmentStatus.ARRIVED)


def _each(
    sessions: sessionmaker[Session],
    ids: list[uuid.UUID],
    work: Callable[[Session, uuid.UUID], None],
) -> int:
    """Run `work` per payment in its own transaction; one failure never stops the rest."""
    done = 0
    for payment_id in ids:
        with sessions() as session:
            try:
                run_in_transaction(lambda: work(session, payment_id), session=session)  # noqa: B023
                done += 1
            except Exception:
                logger.exception(
                    "billing sweep failed for a payment", extra={"payment": str(payment_id)}
                )
    return done


def release_lapsed_holds(sessions: sessionmaker[Session]) -> int:
    """Holds that lapsed or were cancelled while waiting for payment: cancel their intents."""
    now = utcnow()
    with sessions() as session:
        ids = list(
            session.scalars(
                select(Payment.id)
                .join(Appointment, Appointment.id == Payment.appointment_id)
                .where(
                    Payment.purpose == Purpose.SESSION,
                    Payment.status.in_(WAITING),
                    Appointment.payment_due.is_(True),
                    (Appointment.status == AppointmentStatus.CANCELLED)
                    | (is_hold() & (Appointment.hold_expires_at <= now)),
                )
                .limit(BATCH)
            )
        )

    def release(session: Session, payment_id: uuid.UUID) -> None:
        payment = session.get_one(Payment, payment_id)
        appointment = session.get_one(Appointment, payment.appointment_id)
        expire_stale_holds(
            session=session,
            therapist_id=appointment.therapist_id,
            client_id=appointment.client_id,
            now=now,
        )
        queue_payment_work(RELEASE, payment, session=session, refund=True)

    return _each(sessions, ids, release)


def capture_unmarked_sessions(sessions: sessionmaker[Session]) -> int:
    """Authorized sessions nobody marked a day after they ended are captured as held."""
    cutoff = utcnow() - UNMARKED_GRACE
    with sessions() as session:
        ids = list(
            session.scalars(
                select(Payment.id)
                .join(Appointment, Appointment.id == Payment.appointment_id)
                .where(
                    Payment.purpose == Purpose.SESSION,
                    Payment.status == PaymentStatus.AUTHORIZED,
                    Appointment.status.in_(HELD),
                    Appointment.ends_at <= cutoff,
                )
                .limit(BATCH)
            )
        )

    def capture(session: Session, payment_id: uuid.UUID) -> None:
        queue_payment_work(CAPTURE, session.get_one(Payment, payment_id), session=session)

    return _each(sessions, ids, capture)
