"""Fetching a calendar has one total deadline, against real slow servers on loopback.

The servers trickle one byte per tick for a few seconds, then stop; the deadline is a fraction
of that, so a fetch that bounds each read but not the whole fetch returns the trickled body
instead of refusing it.
"""

from __future__ import annotations

import threading
import time
import uuid
from collections.abc import Iterator
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from app.clock import utcnow
from app.outbound.fetching import FetchPolicy, FetchRefused, fetch
from scheduling.calendars.models import ExternalCalendar, ExternalSource
from scheduling.calendars.refresh import CalendarRefresh
from tests.factories import make_clinic, make_therapist
from tests.unit.test_calendar_bombs import bomb

TICK = 0.1
TICKS = 40  # the server gives up after about four seconds
DEADLINE = 0.5
LOOPBACK = ("127.0.0.0/8",)


class _Trickle(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def do_GET(self):
        try:
            self.close_connection = True  # the body ends when the connection does
            if self.path == "/bomb.ics":
                self.send_response(200)
                self.send_header("Content-Type", "text/calendar")
                self.send_header("Connection", "close")
                self.end_headers()
                self.wfile.write(bomb("FREQ=MINUTELY"))
            elif self.path.startswith("/slow-headers"):
                self.wfile.write(b"HTTP/1.1 200 OK\r\nConnection: close\r\n")
                self._trickle(b"X-Slow: " + b"a" * TICKS)
                self.wfile.write(b"\r\n\r\nBEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n")
            else:
                self.send_response(200)
                self.send_header("Content-Type", "text/calendar")
                self.send_header("Connection", "close")
                self.end_headers()
                self._trickle(b"B" * TICKS)
        except OSError:
            pass  # the client gave up

    def _trickle(self, data: bytes) -> None:
        for byte in data:
            self.wfile.write(bytes([byte]))
            self.wfile.flush()
            time.sleep(TICK)

    def log_message(self, *args):
        pass


@pytest.fixture
def slow_server() -> Iterator[ThreadingHTTPServer]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Trickle)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()


@pytest.mark.parametrize("path", ["/slow-body.ics", "/slow-headers.ics"])
def test_a_trickling_feed_is_cut_off_at_the_total_deadline(slow_server, path):
    url = f"http://127.0.0.1:{slow_server.server_port}{path}"
    policy = FetchPolicy(timeout=DEADLINE, allowed_networks=LOOPBACK)
    with pytest.raises(FetchRefused, match=r"took longer than 0\.5 s"):
        fetch(url, policy)


def test_the_refresh_records_the_deadline_and_goes_on(
    session, session_factory, security, slow_server
):
    therapist = make_therapist(session, security, make_clinic(session))
    calendar = ExternalCalendar(
        therapist_id=therapist.id,
        source=ExternalSource.URL,
        url=f"http://127.0.0.1:{slow_server.server_port}/slow-body.ics",
        created_at=utcnow(),
    )
    session.add(calendar)
    session.commit()
    policy = FetchPolicy(timeout=DEADLINE, allowed_networks=LOOPBACK)
    refresh = CalendarRefresh(lambda url: fetch(url, policy), every=timedelta(minutes=30))
    assert refresh(session_factory) == 1
    session.refresh(calendar)
    assert calendar.last_error is not None
    assert "took longer than 0.5 s" in calendar.last_error
    assert calendar.busy_count == 0
    assert uuid.UUID(str(calendar.id))


def test_a_fetched_calendar_bomb_is_recorded_as_refused(
    session, session_factory, security, slow_server
):
    therapist = make_therapist(session, security, make_clinic(session))
    calendar = ExternalCalendar(
        therapist_id=therapist.id,
        source=ExternalSource.URL,
        url=f"http://127.0.0.1:{slow_server.server_port}/bomb.ics",
        created_at=utcnow(),
    )
    session.add(calendar)
    session.commit()
    policy = FetchPolicy(timeout=5, allowed_networks=LOOPBACK)
    refresh = CalendarRefresh(lambda url: fetch(url, policy), every=timedelta(minutes=30))
    assert refresh(session_factory) == 1
    session.refresh(calendar)
    assert "more often than hourly" in (calendar.last_error or "")
    assert calendar.busy_count == 0
