"""Fetch a calendar URL without letting it reach inside our network (SSRF-safe).

Only http and https; the host name is resolved once, every address it resolves to must be public
(not private, loopback, link-local, multicast, reserved, or a cloud metadata address) unless a
configured network allows it, and the connection goes to that vetted address, so a second DNS
answer cannot swap in an internal one. Redirects are not followed; size and time are bounded.
"""

from __future__ import annotations

import ipaddress
import socket
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from urllib.parse import urlsplit

import urllib3

Resolver = Callable[[str, int], list[str]]
METADATA_ADDRESSES = frozenset(
    {ipaddress.ip_address("169.254.169.254"), ipaddress.ip_address("fd00:ec2::254")}
)


class FetchRefused(ValueError):
    """The URL or what it resolves to is not allowed, or the response is unusable."""


@dataclass(frozen=True)
class FetchPolicy:
    """Limits on outgoing fetches."""

    max_bytes: int = 2 * 1024 * 1024
    timeout: float = 10.0
    allowed_networks: Sequence[str] = ()


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


def fetch(url: str, policy: FetchPolicy, resolver: Resolver = system_resolver) -> bytes:
    """GET the URL's body after vetting every address; raises FetchRefused on any problem."""
    parts = urlsplit(url)
    if parts.scheme not in {"http", "https"} or not parts.hostname:
        raise FetchRefused("only http and https URLs are allowed")
    if parts.username or parts.password:
        raise FetchRefused("URLs with credentials are not allowed")
    port = parts.port or (443 if parts.scheme == "https" else 80)
    addresses = resolver(parts.hostname, port)
    if not addresses:
        raise FetchRefused(f"cannot resolve {parts.hostname}")
    for address in addresses:
        check_address(address, policy)
    path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    timeout = urllib3.Timeout(connect=policy.timeout, read=policy.timeout)
    if parts.scheme == "https":
        pool: urllib3.HTTPConnectionPool = urllib3.HTTPSConnectionPool(
            addresses[0],
            port,
            timeout=timeout,
            retries=False,
            server_hostname=parts.hostname,
            assert_hostname=parts.hostname,
        )
    else:
        pool = urllib3.HTTPConnectionPool(addresses[0], port, timeout=timeout, retries=False)
    try:
        response = pool.request(
            "GET",
            path,
            headers={"Host": parts.netloc.rsplit("@", 1)[-1], "Accept": "text/calendar"},
            preload_content=False,
            redirect=False,
        )
        if response.status != 200:
            raise FetchRefused(f"the server answered {response.status}")
        body = response.read(policy.max_bytes + 1, decode_content=True)
        if len(body) > policy.max_bytes:
            raise FetchRefused(f"the calendar is larger than {policy.max_bytes} bytes")
        return body
    except urllib3.exceptions.HTTPError as exc:
        raise FetchRefused(f"fetch failed: {type(exc).__name__}") from exc
    finally:
        pool.close()
