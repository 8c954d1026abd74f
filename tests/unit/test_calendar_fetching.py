"""The fetch policy of external calendars: only public addresses over plain http(s) URLs."""

from __future__ import annotations

import pytest

from app.outbound.fetching import (
    FetchPolicy,
    FetchRefused,
    check_address,
    fetch,
    parse_outbound_url,
)


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


@pytest.mark.parametrize(
    ("url", "reason"),
    [
        ("http://127.0.0.1:99999/x.ics", "port"),
        ("http://example.org:0/x.ics", "port"),
        ("http://example.org:http/x.ics", "port"),
        ("http://[::1/x.ics", "malformed"),
        ("http://user:secret@example.org/x.ics", "credentials"),
        ("http://user@example.org/x.ics", "credentials"),
        ("ftp://example.org/x.ics", "http and https"),
        ("example.org/x.ics", "http and https"),
        ("http:///x.ics", "host"),
        ("http://exa mple.org/x.ics", "spaces or control"),
        ("http://example.org/x.ics\r\nHost: internal", "spaces or control"),
        ("http://example.org/\x00.ics", "spaces or control"),
        ("http://example.org/\u200bx.ics", "spaces or control"),
        ("\thttp://example.org/x.ics", "spaces or control"),
        ("http://exa_mple..org/x.ics", "host name"),
        ("http://-bad-.example.org/x.ics", "host name"),
        ("http://example.org/caf\u00e9.ics", "percent-encoded"),
        ("https://calendar.example.org/" + "a" * 2000, "2000 characters"),
    ],
)
def test_malformed_calendar_urls_are_refused_with_the_reason(url, reason):
    with pytest.raises(FetchRefused, match=reason):
        parse_outbound_url(url)


def test_well_formed_calendar_urls_are_parsed_to_what_is_fetched():
    google = parse_outbound_url(
        "https://calendar.google.com/calendar/ical/a%40group.calendar.google.com/private-x/basic.ics"
    )
    assert (google.scheme, google.host, google.port) == ("https", "calendar.google.com", 443)
    assert google.target == "/calendar/ical/a%40group.calendar.google.com/private-x/basic.ics"
    literal = parse_outbound_url("http://[2606:4700::1111]:8080/c.ics?user=7#top")
    assert (literal.host, literal.port, literal.target) == (
        "2606:4700::1111",
        8080,
        "/c.ics?user=7",
    )
    assert literal.host_header == "[2606:4700::1111]:8080"
    international = parse_outbound_url("https://b\u00fccher.example/")
    assert international.host == "xn--bcher-kva.example"
    assert international.host_header == "xn--bcher-kva.example"
    assert parse_outbound_url("HTTP://Example.ORG").target == "/"
