"""The worker's refresh of external calendars against a real HTTP server on loopback."""

from __future__ import annotations

import threading
import uuid
from collections.abc import Iterator
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest

from app.clock import utcnow
from app.identity.service import Principal
from app.outbound.fetching import FetchPolicy, FetchRefused, fetch
from scheduling.calendars.external import add_calendar_url, list_calendars
from scheduling.calendars.models import ExternalCalendar
from scheduling.calendars.refresh import CalendarRefresh
from scheduling.slots.service import list_slots
from tests.calendar_helpers import calendar_bytes
from tests.factories import make_clinic, make_therapist
from tests.scheduling_factories import future_hour, make_session_type, open_hours


class _Feed(BaseHTTPRequestHandler):
    body = b""
    status = 200

    def do_GET(self):
        self.send_response(self.status)
        self.send_header("Content-Type", "text/calendar")
        self.end_headers()
        self.wfile.write(self.body)

    def log_message(self, *args):
        pass


@pytest.fixture
def feed_server() -> Iterator[HTTPServer]:
    server = HTTPServer(("127.0.0.1", 0), _Feed)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()


@pytest.fixture
def practice(session, security):
    therapist = make_therapist(session, security, make_clinic(session))
    open_hours(session, therapist, start_hour=0, end_hour=24)
    return therapist, make_session_type(session, therapist)


def slot_starts(session, therapist, session_type, day_start) -> list[str]:
    listed = list_slots(
        session=session,
        therapist_id=therapist.id,
        session_type_id=session_type.id,
        start=day_start,
        end=day_start + timedelta(days=1),
        now=utcnow(),
    )
    return [s["start"].strftime("%H:%M") for s in listed.slots]


def test_worker_refreshes_feeds_and_keeps_last_good_data(
    session, session_factory, practice, feed_server
):
    therapist, session_type = practice
    owner = Principal(user=therapist.user, session_id=uuid.uuid4())
    url = f"http://127.0.0.1:{feed_server.server_port}/cal.ics"
    calendar = add_calendar_url(
        session=session, principal=owner, therapist_id=therapist.id, url=url
    )
    day = future_hour(days=2, hour=0)
    _Feed.body, _Feed.status = calendar_bytes(day), 200
    loopback_ok = FetchPolicy(allowed_networks=("127.0.0.0/8",))
    refresh = CalendarRefresh(lambda u: fetch(u, loopback_ok), every=timedelta(minutes=30))
    assert refresh(session_factory) == 1
    assert "10:00" not in slot_starts(session, therapist, session_type, day)

    # the feed breaks: the busy time stays and the error is recorded for the therapist
    _Feed.status = 500
    entry = session.get_one(ExternalCalendar, calendar.id)
    entry.last_attempt_at = utcnow() - timedelta(hours=2)
    session.commit()
    assert refresh(session_factory) == 1
    session.expire_all()
    [listed] = list_calendars(session=session, principal=owner, therapist_id=therapist.id)
    assert "500" in listed.last_error
    assert listed.busy_count == 3
    assert "10:00" not in slot_starts(session, therapist, session_type, day)


def test_default_policy_refuses_our_own_loopback_server(feed_server):
    with pytest.raises(FetchRefused):
        fetch(f"http://127.0.0.1:{feed_server.server_port}/cal.ics", FetchPolicy())
    with pytest.raises(FetchRefused):
        fetch(f"http://[::1]:{feed_server.server_port}/cal.ics", FetchPolicy())
