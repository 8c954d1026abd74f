"""Login and registration are rate-limited with Retry-After, in memory or in Redis."""

from __future__ import annotations

import os
import uuid

import pytest
import redis


def hammer_login(app, attempts: int):
    client = app.test_client()
    return [
        client.post("/api/v1/auth/login", json={"email": "x@example.org", "password": "wrong"})
        for _ in range(attempts)
    ]


def assert_limited_after(responses, allowed: int) -> None:
    assert [r.status_code for r in responses[:allowed]] == [401] * allowed
    limited = responses[allowed]
    assert limited.status_code == 429
    body = limited.get_json()
    assert body["code"] == 429
    assert body["status"] == "Too Many Requests"
    assert int(limited.headers["Retry-After"]) > 0


def test_login_is_limited_in_memory(make_app):
    app = make_app(RATELIMIT_ENABLED=True, RATELIMIT_AUTH="3 per minute")
    assert_limited_after(hammer_login(app, 4), allowed=3)


def test_registration_is_limited(make_app):
    app = make_app(RATELIMIT_ENABLED=True, RATELIMIT_AUTH="2 per minute")
    client = app.test_client()
    statuses = [client.post("/api/v1/auth/register", json={}).status_code for _ in range(3)]
    assert statuses == [422, 422, 429]


def test_limits_are_per_client_address(make_app):
    app = make_app(RATELIMIT_ENABLED=True, RATELIMIT_AUTH="1 per minute")
    client = app.test_client()
    body = {"email": "x@example.org", "password": "wrong"}
    first = client.post("/api/v1/auth/login", json=body, environ_base={"REMOTE_ADDR": "10.0.0.1"})
    other = client.post("/api/v1/auth/login", json=body, environ_base={"REMOTE_ADDR": "10.0.0.2"})
    again = client.post("/api/v1/auth/login", json=body, environ_base={"REMOTE_ADDR": "10.0.0.1"})
    assert (first.status_code, other.status_code, again.status_code) == (401, 401, 429)


REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/15")


def redis_available() -> bool:
    try:
        return bool(redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1).ping())
    except redis.RedisError:
        return False


def test_login_is_limited_in_redis(make_app):
    if not redis_available():
        if os.environ.get("CI") == "true":
            pytest.fail(f"Redis is required under CI ({REDIS_URL})")
        pytest.skip(f"no Redis at {REDIS_URL}")
    app = make_app(
        RATELIMIT_ENABLED=True,
        RATELIMIT_AUTH="2 per minute",
        RATELIMIT_STORAGE_URI=REDIS_URL,
        RATELIMIT_KEY_PREFIX=f"test-{uuid.uuid4().hex}",
    )
    assert_limited_after(hammer_login(app, 3), allowed=2)
    # a second app process sharing the Redis store sees the same counters
    twin = make_app(
        RATELIMIT_ENABLED=True,
        RATELIMIT_AUTH="2 per minute",
        RATELIMIT_STORAGE_URI=REDIS_URL,
        RATELIMIT_KEY_PREFIX=app.config["RATELIMIT_KEY_PREFIX"],
    )
    assert hammer_login(twin, 1)[0].status_code == 429
