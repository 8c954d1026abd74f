"""Recurring series: the same local time every one or two weeks, all or nothing or skipping."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session

from app.clock import iso_utc, utcnow
from app.consent.service import require_consent
from app.db.unit_of_work import unit_of_work
from app.directory.models import ClientProfile, TherapistProfile
from app.directory.therapists import get_therapist
from app.exceptions import DomainError
from app.identity.service import Principal
from scheduling.appointments.access import booking_client_of
from scheduling.appointments.booking import NO_PAYMENT, new_appointment, validate_booking
from scheduling.appointments.events import appointment_changed
from scheduling.appointments.models import Appointment, AppointmentSeries, AppointmentStatus
from scheduling.appointments.payment_gate import PaymentGate
from scheduling.exceptions import SlotTaken
from scheduling.session_types.models import SessionType
from scheduling.session_types.service import offered_session_type
from scheduling.slots.inputs import availabilities


class SeriesConflict(SlotTaken):
    """Some occurrences cannot be booked; nothing was booked."""


@dataclass
class SeriesResult:
    """What a series booking did."""

    series: AppointmentSeries
    booked: list[Appointment] = field(default_factory=list)
    skipped: list[dict[str, str]] = field(default_factory=list)


def occurrence_starts(
    first: datetime, zone: str, *, interval_weeks: int, count: int
) -> list[datetime]:
    """Starts at the first one's local wall-clock time, every interval, across DST changes."""
    tz = ZoneInfo(zone)
    local = first.astimezone(tz).replace(tzinfo=None)
    return [
        (local + timedelta(weeks=interval_weeks * index)).replace(tzinfo=tz).astimezone(UTC)
        for index in range(count)
    ]


@unit_of_work
def book_series(
    *,
    session: Session,
    principal: Principal,
    therapist_id: uuid.UUID,
    session_type_id: uuid.UUID,
    first_start: datetime,
    interval_weeks: int,
    occurrences: int,
    skip_conflicts: bool,
    located_in: str | None = None,
    gate: PaymentGate = NO_PAYMENT,
) -> SeriesResult:
    """Book every occurrence, or none (409 listing the conflicts), or the free ones."""
    now = utcnow()
    client = booking_client_of(principal, session=session, lock=True)
    therapist = get_therapist(therapist_id, session=session)
    require_consent(client.id, therapist.clinic_id, session=session)
    session_type = offered_session_type(therapist, session_type_id, session=session)
    zone = availabilities(
        [therapist], session=session, start=first_start.date(), end=first_start.date()
    )[therapist.id].timezone
    series = AppointmentSeries(
        therapist_id=therapist.id,
        client_id=client.id,
        session_type_id=session_type.id,
        interval_weeks=interval_weeks,
        occurrences=occurrences,
        created_at=now,
    )
    result = SeriesResult(series=series)
    for start in occurrence_starts(
        first_start, zone, interval_weeks=interval_weeks, count=occurrences
    ):
        _add_occurrence(
            result,
            start,
            session=session,
            principal=principal,
            client=client,
            therapist=therapist,
            session_type=session_type,
            now=now,
            located_in=located_in,
        )
    if result.skipped and not skip_conflicts:
        raise SeriesConflict(
            f"{len(result.skipped)} of {occurrences} occurrences cannot be booked; nothing was "
            "booked. Pick another time or set skip_conflicts.",
            errors={"conflicts": result.skipped},
        )
    _save(result, session=session, gate=gate)
    return result


def _add_occurrence(
    result: SeriesResult,
    start: datetime,
    *,
    session: Session,
    principal: Principal,
    client: ClientProfile,
    therapist: TherapistProfile,
    session_type: SessionType,
    now: datetime,
    located_in: str | None = None,
) -> None:
    """Build the occurrence if every booking rule passes; else list it as skipped, with why."""
    try:
        validate_booking(
            session=session,
            client=client,
            therapist_id=therapist.id,
            session_type=session_type,
            start=start,
            now=now,
            located_in=located_in,
        )
    except DomainError as error:
        result.skipped.append({"start": iso_utc(start), "reason": error.message})
        return
    result.booked.append(
        new_appointment(
            principal=principal,
            client=client,
            therapist=therapist,
            session_type=session_type,
            start=start,
            now=now,
            located_in=located_in,
        )
    )


def _save(result: SeriesResult, *, session: Session, gate: PaymentGate) -> None:
    """Add the series and its booked occurrences, and announce the ones that are booked."""
    session.add(result.series)
    session.flush()
    for appointment in result.booked:
        appointment.series_id = result.series.id
        session.add(appointment)
    session.flush()
    for appointment in result.booked:
        gate.payment_due(appointment, hold=False, session=session)
    for appointment in result.booked:
        if appointment.status is AppointmentStatus.BOOKED:
            appointment_changed(appointment, "booked", session=session)
