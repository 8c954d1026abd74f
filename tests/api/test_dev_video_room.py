"""The development video room a join link opens, and links built from the request's own host."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from html import unescape

import jwt
import pytest

from app.identity.tokens import derive_key
from scheduling.video.providers import (
    DevelopmentVideoProvider,
    Participant,
    RoomRefused,
)
from tests.api.test_delivery import book, shift_to_now
from tests.api.test_delivery import world as delivery_world  # noqa: F401 (a fixture)
from tests.factories import auth_headers
from tests.scheduling_factories import future_hour

SECRET = "test-secret-key-that-is-long-enough-for-hs256"


@pytest.fixture
def world(delivery_world):  # noqa: F811
    return delivery_world


def text_of(page: str, element_id: str) -> str:
    found = re.search(rf'id="{element_id}">(.*?)</', page, re.S)
    assert found, element_id
    return unescape(re.sub(r"<[^>]+>", "", found.group(1))).strip()


def joinable(make_app, session, world, **config):
    app = make_app(**config)
    http = app.test_client()
    _, _, patient = world
    booked = book(http, world, future_hour())
    shift_to_now(session, booked["id"], 5)
    headers = auth_headers(http, patient.user)
    return app, booked, headers


def test_a_join_link_follows_the_requests_host_and_opens_a_real_room(make_app, session, world):
    app, booked, headers = joinable(make_app, session, world, LINKS_FROM_REQUEST_HOST=True)
    http = app.test_client()
    link = http.post(
        f"/api/v1/appointments/{booked['id']}/join",
        headers=headers,
        base_url="http://localhost:8123",
    ).get_json()["url"]
    assert link.startswith("http://localhost:8123/dev-video/room-")
    page = http.get(link.removeprefix("http://localhost:8123"))
    assert page.status_code == 200
    assert page.headers["Referrer-Policy"] == "no-referrer"
    assert "default-src 'none'" in page.headers["Content-Security-Policy"]
    html = page.get_data(as_text=True)
    claims = jwt.decode(
        link.split("token=")[1],
        derive_key(SECRET, "development-video").hex(),
        algorithms=["HS256"],
        audience="jitsi",
    )
    assert text_of(html, "room") == claims["room"]
    assert text_of(html, "participant") == "River"
    expires = datetime.fromtimestamp(claims["exp"], UTC).strftime("%Y-%m-%d %H:%M:%S UTC")
    assert text_of(html, "expires") == expires
    assert "You are in the room." in html


def test_links_use_the_configured_public_url_otherwise(make_app, session, world):
    app, booked, headers = joinable(
        make_app,
        session,
        world,
        LINKS_FROM_REQUEST_HOST=False,
        PUBLIC_APP_URL="https://care.example.org",
    )
    link = (
        app.test_client()
        .post(
            f"/api/v1/appointments/{booked['id']}/join",
            headers=headers,
            base_url="http://localhost:8123",
        )
        .get_json()["url"]
    )
    assert link.startswith("https://care.example.org/dev-video/room-")


def test_a_tampered_or_foreign_link_is_refused_with_its_reason(make_app, session, world):
    app, booked, headers = joinable(make_app, session, world, LINKS_FROM_REQUEST_HOST=True)
    http = app.test_client()
    link = http.post(f"/api/v1/appointments/{booked['id']}/join", headers=headers).get_json()["url"]
    path = link.removeprefix("http://localhost")
    tampered = http.get(path[:-3] + ("abc" if not path.endswith("abc") else "xyz"))
    assert tampered.status_code == 403
    assert "not valid" in tampered.get_data(as_text=True)
    room = path.split("/dev-video/")[1].split("?")[0]
    elsewhere = http.get(path.replace(room, "room-" + "a" * 32))
    assert elsewhere.status_code == 403
    assert "another room" in elsewhere.get_data(as_text=True)
    assert http.get(f"/dev-video/{room}").status_code == 403  # no token at all


def test_the_room_keeps_its_window(make_app, session, world):
    provider = DevelopmentVideoProvider(base_url="http://localhost", secret="s" * 40)
    opens = datetime(2026, 3, 29, 0, 50, tzinfo=UTC)
    link = provider.join_url(
        "room-x",
        Participant("u1", "Dr. Rivera", True),
        not_before=opens,
        expires_at=opens + timedelta(minutes=5),
    )
    token = link.split("token=")[1]
    with pytest.raises(RoomRefused) as early:
        provider.admit("room-x", token, now=opens - timedelta(seconds=1))
    assert early.value.opens_at == opens
    admitted = provider.admit("room-x", token, now=opens)
    assert (admitted.display_name, admitted.moderator) == ("Dr. Rivera", True)
    assert provider.admit("room-x", token, now=opens + timedelta(seconds=299)).room == "room-x"
    with pytest.raises(RoomRefused, match="expired"):
        provider.admit("room-x", token, now=opens + timedelta(minutes=5))


def test_with_jitsi_configured_there_is_no_development_room(make_app):
    app = make_app(JITSI_DOMAIN="meet.example.org", JITSI_APP_ID="app", JITSI_SECRET="j" * 40)
    assert app.test_client().get("/dev-video/room-abc?token=x").status_code == 404
