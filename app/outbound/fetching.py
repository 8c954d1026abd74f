"""Reach a URL someone gave us (a calendar feed, a webhook endpoint) without letting it reach
inside our network (SSRF-safe).

Only http and https; the host name is resolved once, every address it resolves to must be public
(not private, loopback, link-local, multicast, reserved, or a cloud metadata address) unless a
configured network allows it, and the connection goes to that vetted address, so a second DNS
answer cannot swap in an internal one. Redirects are not followed; the size is bounded, and so
is the time of the whole fetch (resolving, connecting and every read together).

`parse_outbound_url` is the one statement of what such a URL may be: registration refuses what
it refuses, and the fetch of a URL stored before (or by hand) fails on its own with the same
reason instead of raising from the URL parser.
"""

from __future__ import annotations

import ipaddress
import re
import socket
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from urllib.parse import urlsplit

import urllib3

from app.outbound.deadline import (
    Deadline,
    DeadlinePassed,
    WatchedHTTPPool,
    WatchedHTTPSPool,
)

Resolver = Callable[[str, int], list[str]]
METADATA_ADDRESSES = frozenset(
    {ipaddress.ip_address("169.254.169.254"), ipaddress.ip_address("fd00:ec2::254")}
)
MAX_URL_LENGTH = 2000  # the external_calendars.url column
_HOST_LABEL = re.compile(r"(?!-)[a-z0-9-]{1,63}(?<!-)")


class FetchRefused(ValueError):
    """The URL or what it resolves to is not allowed, or the response is unusable."""


@dataclass(frozen=True)
class FetchPolicy:
    """Limits on outgoing fetches."""

    max_bytes: int = 2 * 1024 * 1024
    timeout: float = 10.0
    allowed_networks: Sequence[str] = ()


@dataclass(frozen=True)
class OutboundUrl:
    """What a well-formed calendar URL asks to fetch."""

    scheme: str
    host: str  # ASCII: an IDNA-encoded name, or an IP address without brackets
    port: int
    target: str  # path and query, as sent in the request line

    @property
    def host_header(self) -> str:
        """The Host header: the host, bracketed if IPv6, with the port unless the default."""
        host = f"[{self.host}]" if ":" in self.host else self.host
        default = 443 if self.scheme == "https" else 80
        return host if self.port == default else f"{host}:{self.port}"


def parse_outbound_url(url: str) -> OutboundUrl:
    """The parts of a fetchable calendar URL; FetchRefused says what is wrong with it."""
    if len(url) > MAX_URL_LENGTH:
        raise FetchRefused(f"The URL is longer than {MAX_URL_LENGTH} characters.")
    if any(char.isspace() or not char.isprintable() for char in url):
        raise FetchRefused("The URL contains spaces or control characters.")
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError as exc:  # a port outside 0-65535 or not a number, an unclosed bracket
        raise FetchRefused(f"The URL is malformed ({exc}): check its host and port.") from None
    if parts.scheme not in {"http", "https"}:
        raise FetchRefused("Only http and https URLs are allowed (for webcal://, use https://).")
    if "@" in parts.netloc:
        raise FetchRefused("URLs with credentials (user:password@) are not allowed.")
    if port == 0:
        raise FetchRefused("The URL's port must be between 1 and 65535.")
    target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    if not target.isascii():
        raise FetchRefused("Characters outside ASCII in the path must be percent-encoded.")
    default = 443 if parts.scheme == "https" else 80
    return OutboundUrl(parts.scheme, _ascii_host(parts.hostname or ""), port or default, target)


def _ascii_host(host: str) -> str:
    if not host:
        raise FetchRefused("The URL has no host.")
    try:
        return str(ipaddress.ip_address(host))
    except ValueError:
        pass
    try:
        name = host.encode("idna").decode("ascii").rstrip(".")
    except UnicodeError:
        raise FetchRefused("The URL's host name is not valid.") from None
    if len(name) > 253 or not all(_HOST_LABEL.fullmatch(label) for label in name.split(".")):
        raise FetchRefused("The URL's host name is not valid.")
    return name


def system_resolver(host: str, port: int) -> list[str]:
    """Every address the host name resolves to."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except socket.gaierror as exc:
        raise FetchRefused(f"cannot resolve {host}") from exc
    # For the IPv4 and IPv6 families the address in the socket address is a string.
    return sorted({str(info[4][0]) for info in infos})


def check_address(address: str, policy: FetchPolicy) -> None:
    """Refuse internal addresses unless a configured network allows them."""
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    if any(ip in ipaddress.ip_network(net, strict=False) for net in policy.allowed_networks):
        return
    if (
        ip in METADATA_ADDRESSES
        or ip.is_private
        or ip.is_loopback
        or ip.is_link_local
        or ip.is_multicast
        or ip.is_reserved
        or ip.is_unspecified
        or not ip.is_global
    ):
        raise FetchRefused(f"{ip} is not a public address")


@dataclass(frozen=True)
class Answer:
    """A server's status and the start of what it said (at most the policy's byte limit)."""

    status: int
    body: bytes


def fetch(url: str, policy: FetchPolicy, resolver: Resolver = system_resolver) -> bytes:
    """GET the URL's body after vetting every address; raises FetchRefused on any problem."""
    answer = _call("GET", url, policy, resolver, headers={"Accept": "text/calendar"})
    if answer.status != 200:
        raise FetchRefused(f"the server answered {answer.status}")
    if len(answer.body) > policy.max_bytes:
        raise FetchRefused(f"the calendar is larger than {policy.max_bytes} bytes")
    return answer.body


def post(
    url: str,
    body: bytes,
    headers: dict[str, str],
    policy: FetchPolicy,
    resolver: Resolver = system_resolver,
) -> Answer:
    """POST to the URL after vetting every address; any status is an Answer, never raised."""
    return _call("POST", url, policy, resolver, headers=headers, body=body)


def _call(
    method: str,
    url: str,
    policy: FetchPolicy,
    resolver: Resolver,
    *,
    headers: dict[str, str],
    body: bytes | None = None,
) -> Answer:
    where = parse_outbound_url(url)
    try:
        with Deadline(policy.timeout) as deadline:
            addresses = resolver(where.host, where.port)
            if not addresses:
                raise FetchRefused(f"cannot resolve {where.host}")
            for address in addresses:
                check_address(address, policy)
            return _send(method, where, addresses[0], policy, deadline, headers, body)
    except DeadlinePassed as exc:
        raise FetchRefused(f"The server {exc} to answer.") from None


def _send(
    method: str,
    where: OutboundUrl,
    address: str,
    policy: FetchPolicy,
    deadline: Deadline,
    headers: dict[str, str],
    body: bytes | None,
) -> Answer:
    """Send to the vetted address within the deadline (DeadlinePassed when it runs out)."""
    left = deadline.remaining()
    timeout = urllib3.Timeout(connect=left, read=left)
    if where.scheme == "https":
        pool: urllib3.HTTPConnectionPool = WatchedHTTPSPool(
            address,
            where.port,
            timeout=timeout,
            retries=False,
            server_hostname=where.host,
            assert_hostname=where.host,
            deadline=deadline,
        )
    else:
        pool = WatchedHTTPPool(
            address, where.port, timeout=timeout, retries=False, deadline=deadline
        )
    try:
        response = pool.request(
            method,
            where.target,
            body=body,
            headers={"Host": where.host_header, **headers},
            preload_content=False,
            redirect=False,
        )
        deadline.check()
        data = response.read(policy.max_bytes + 1, decode_content=True)
        deadline.check()  # a read cut short by the deadline is not the whole body
        return Answer(response.status, data)
    except (urllib3.exceptions.HTTPError, OSError) as exc:
        deadline.check()  # the deadline is why the connection failed
        raise FetchRefused(f"fetch failed: {type(exc).__name__}") from exc
    finally:
        pool.close()
