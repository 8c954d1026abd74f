"""The breached-password screen against a local range API that answers like Have I Been Pwned."""

from __future__ import annotations

import hashlib
import threading
from collections.abc import Iterator

import pytest
from werkzeug.serving import make_server
from werkzeug.wrappers import Request, Response

from app.identity.password_screens import PwnedPasswordsScreen, password_screen

BREACHED = "Tr0ub4dor&3-horse-staple"


def _sha1(password: str) -> str:
    return hashlib.sha1(password.encode()).hexdigest().upper()  # noqa: S324 (the API's hash)


class RangeApi:
    """Serves /range/<5 hex> with the suffixes it knows, padded with zero-count entries."""

    def __init__(self, breached: dict[str, int], status: int = 200) -> None:
        self.breached, self.status, self.asked = breached, status, []

    def __call__(self, environ, start_response):
        request = Request(environ)
        prefix = request.path.rsplit("/", 1)[-1]
        self.asked.append((request.path, request.headers.get("Add-Padding")))
        lines = [
            f"{digest[5:]}:{count}"
            for password, count in self.breached.items()
            if (digest := _sha1(password)).startswith(prefix)
        ]
        lines += [f"{'0' * 34}{n:01X}:0" for n in range(3)]  # padding entries
        return Response("\r\n".join(lines), status=self.status)(environ, start_response)


@pytest.fixture
def range_api() -> Iterator[tuple[str, RangeApi]]:
    api = RangeApi({BREACHED: 51, "another-breached-one-2019": 3})
    server = make_server("127.0.0.1", 0, api)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.port}", api
    server.shutdown()


def test_a_breached_password_is_refused_and_only_its_hash_prefix_leaves(range_api):
    url, api = range_api
    screen = PwnedPasswordsScreen(url)
    assert screen.problems(BREACHED, personal=[]) == [
        "Has appeared in a data breach; choose one that has not."
    ]
    assert api.asked == [(f"/range/{_sha1(BREACHED)[:5]}", "true")]
    assert BREACHED not in str(api.asked)


def test_a_password_not_in_the_corpus_passes_and_padding_entries_do_not_count(range_api):
    url, _ = range_api
    assert PwnedPasswordsScreen(url).problems("violet-submarine-carousel-41", personal=[]) == []


def test_the_configured_screen_runs_the_offline_check_first_and_the_breach_check(range_api):
    url, _ = range_api
    screen = password_screen(url)
    assert "Has appeared in a data breach; choose one that has not." in screen.problems(
        BREACHED, personal=[]
    )
    assert screen.problems("password1234", personal=[])[0] == "Is too easy to guess."


def test_an_unavailable_breach_service_does_not_stop_anyone_setting_a_password():
    closed = PwnedPasswordsScreen("http://127.0.0.1:9", timeout_seconds=0.5)
    assert closed.problems(BREACHED, personal=[]) == []


def test_a_failing_breach_service_answer_is_ignored():
    api = RangeApi({BREACHED: 5}, status=503)
    server = make_server("127.0.0.1", 0, api)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        assert (
            PwnedPasswordsScreen(f"http://127.0.0.1:{server.port}").problems(BREACHED, personal=[])
            == []
        )
    finally:
        server.shutdown()
