"""The port through which billing decides whether a booking must be paid for.

Scheduling never imports billing (billing builds on scheduling): billing installs its
implementation under PAYMENT_GATE when the app is created, and booking asks it, inside the
booking's unit of work, whether the new appointment waits for a payment.
"""

from __future__ import annotations

from typing import Protocol

from sqlalchemy.orm import Session

from app.adapters import AdapterKey
from scheduling.appointments.models import Appointment


class PaymentGate(Protocol):
    """Decides and records what a new one-to-one appointment must pay."""

    def payment_due(self, appointment: Appointment, *, hold: bool, session: Session) -> bool:
        """Record the payment a new appointment needs; True when its hold is settled by paying.

        Raise a domain error to refuse the booking (for example a paid session booked without
        a hold by a client with no saved card).
        """
        ...


class NoPayment:
    """Nothing is ever due (an app built without billing)."""

    def payment_due(self, appointment: Appointment, *, hold: bool, session: Session) -> bool:
        """Never due."""
        return False


PAYMENT_GATE: AdapterKey[PaymentGate] = AdapterKey("payment gate")
