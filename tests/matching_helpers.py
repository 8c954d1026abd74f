"""Shared builders of the matching tests: a clinic with a default session type, and HTTP calls."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from flask.testing import FlaskClient
from sqlalchemy.orm import Session

from app.directory.models import Clinic
from scheduling.session_types.models import SessionType
from tests.factories import make_clinic


def matching_clinic(session: Session) -> Clinic:
    """A clinic whose default session is 50 minutes on the hour, bookable at once."""
    clinic = make_clinic(session)
    session.add(
        SessionType(
            clinic_id=clinic.id,
            therapist_id=None,
            name="Session",
            duration_minutes=50,
            buffer_after_minutes=10,
            min_notice_minutes=0,
            horizon_days=60,
            slot_step_minutes=60,
        )
    )
    session.commit()
    return clinic


def listed_slots(
    client: FlaskClient, therapist_id: Any, session_type_id: Any, start: datetime, end: datetime
) -> list[datetime]:
    """The public slots endpoint's starts, in Los Angeles time."""
    response = client.get(
        f"/api/v1/therapists/{therapist_id}/slots",
        query_string={
            "start": start.isoformat(),
            "end": end.isoformat(),
            "session_type": str(session_type_id),
            "tz": "America/Los_Angeles",
        },
    )
    assert response.status_code == 200, response.get_json()
    return [datetime.fromisoformat(s["start"]) for s in response.get_json()["slots"]]
