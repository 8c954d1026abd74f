"""The fetch policy of external calendars: only public addresses over plain http(s) URLs."""

from __future__ import annotations

import pytest

from scheduling.calendars.fetching import FetchPolicy, FetchRefused, check_address, fetch


@pytest.mark.parametrize(
    "address",
    [
        "127.0.0.1",
        "10.1.2.3",
        "192.168.0.10",
        "172.16.5.4",
        "169.254.169.254",
        "::1",
        "fe80::1",
        "fd00::1",
        "0.0.0.0",  # noqa: S104 (an address under test, not a bind)
        "::ffff:127.0.0.1",
        "100.64.0.1",
    ],
)
def test_internal_addresses_are_refused(address):
    with pytest.raises(FetchRefused):
        check_address(address, FetchPolicy())


def test_public_addresses_pass_and_allowlists_open_internal_ones():
    check_address("93.184.215.14", FetchPolicy())
    check_address("2606:4700::1111", FetchPolicy())
    check_address("10.1.2.3", FetchPolicy(allowed_networks=("10.0.0.0/8",)))


@pytest.mark.parametrize(
    "url",
    [
        "file:///etc/passwd",
        "ftp://example.org/cal.ics",
        "gopher://example.org",
        "http://user:pw@example.org/c.ics",
    ],
)
def test_only_plain_http_urls(url):
    with pytest.raises(FetchRefused):
        fetch(url, FetchPolicy(), resolver=lambda host, port: ["93.184.215.14"])


def test_a_name_resolving_to_an_internal_address_is_refused_before_connecting():
    attempts = []

    def resolver(host, port):
        attempts.append(host)
        return ["93.184.215.14", "10.0.0.7"]  # one bad answer is enough to refuse

    with pytest.raises(FetchRefused, match="not a public address"):
        fetch("https://calendar.example.org/feed.ics", FetchPolicy(), resolver=resolver)
    assert attempts == ["calendar.example.org"]
