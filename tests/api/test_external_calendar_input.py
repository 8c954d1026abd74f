"""External calendars refuse what they could never read: malformed URLs and calendar bombs."""

from __future__ import annotations

import pytest

from tests.api.test_errors import assert_error_shape
from tests.factories import auth_headers, make_clinic, make_therapist
from tests.unit.test_calendar_bombs import bomb


@pytest.fixture
def therapist(session, security):
    return make_therapist(session, security, make_clinic(session))


@pytest.mark.parametrize(
    ("url", "reason"),
    [
        ("http://127.0.0.1:99999/x.ics", "port"),
        ("http://[::1/x.ics", "malformed"),
        ("https://user:secret@calendar.example.org/x.ics", "credentials"),
        ("webcal://calendar.example.org/x.ics", "http and https"),
        ("https://calendar.example.org/x.ics\r\nX-Injected: 1", "spaces or control"),
        ("https://calendar example.org/x.ics", "spaces or control"),
        ("https://calendar.example.org/" + "a" * 1990, "2000 characters"),
    ],
)
def test_a_calendar_url_that_cannot_be_fetched_is_422_with_the_reason(
    client, therapist, url, reason
):
    response = client.post(
        f"/api/v1/therapists/{therapist.id}/external-calendars",
        headers=auth_headers(client, therapist.user),
        json={"url": url},
    )
    errors = assert_error_shape(response, 422)["errors"]
    messages = errors["json"]["url"] if "json" in errors else errors["url"]  # schema or service
    assert reason in messages[0] or "2000" in messages[0]


def test_a_well_formed_calendar_url_is_accepted(client, therapist):
    url = "https://calendar.example.org/ical/a%40group.example.org/private-x/basic.ics?t=1"
    response = client.post(
        f"/api/v1/therapists/{therapist.id}/external-calendars",
        headers=auth_headers(client, therapist.user),
        json={"url": url},
    )
    assert response.status_code == 201, response.get_json()
    assert response.get_json()["url"] == url


def test_an_uploaded_calendar_bomb_is_422_with_the_reason(client, therapist):
    response = client.post(
        f"/api/v1/therapists/{therapist.id}/external-calendars/upload",
        headers={**auth_headers(client, therapist.user), "Content-Type": "text/calendar"},
        data=bomb("FREQ=MINUTELY"),
    )
    body = assert_error_shape(response, 422)
    assert "more often than hourly" in body["message"]
    assert body["errors"]["calendar"]
