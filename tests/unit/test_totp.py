"""TOTP verification against RFC 6238 Appendix B (SHA-1) and an independent HOTP computation."""

from __future__ import annotations

import base64
import hashlib
import hmac
import struct
from datetime import UTC, datetime

import pytest

from app.identity.mfa.totp import matching_step, new_recovery_codes, normalize_recovery_code

RFC_SECRET = base64.b32encode(b"12345678901234567890").decode()
# (Unix time, the RFC's 8-digit TOTP): a 6-digit code is its last six digits.
RFC_VECTORS = [
    (59, "94287082"),
    (1111111109, "07081804"),
    (1111111111, "14050471"),
    (1234567890, "89005924"),
    (2000000000, "69279037"),
    (20000000000, "65353130"),
]


def hotp(secret_b32: str, counter: int, digits: int = 6) -> str:
    """RFC 4226 HOTP written out here, independent of the library the server uses."""
    mac = hmac.new(base64.b32decode(secret_b32), struct.pack(">Q", counter), hashlib.sha1)
    digest = mac.digest()
    offset = digest[-1] & 0x0F
    value = struct.unpack(">I", digest[offset : offset + 4])[0] & 0x7FFFFFFF
    return str(value % 10**digits).zfill(digits)


@pytest.mark.parametrize(("unix", "expected"), RFC_VECTORS)
def test_rfc_6238_vectors_are_accepted_at_their_time(unix, expected):
    at = datetime.fromtimestamp(unix, UTC)
    assert hotp(RFC_SECRET, unix // 30, digits=8) == expected  # the helper agrees with the RFC
    assert matching_step(RFC_SECRET, expected[-6:], at=at, after=None) == unix // 30


def test_one_step_of_drift_either_way_and_no_more():
    code = hotp(RFC_SECRET, 1000)
    for seconds, step in ((1000 * 30 - 30, 1000), (1000 * 30, 1000), (1000 * 30 + 59, 1000)):
        assert (
            matching_step(RFC_SECRET, code, at=datetime.fromtimestamp(seconds, UTC), after=None)
            == step
        )
    for seconds in (1000 * 30 - 31, 1000 * 30 + 60):
        assert (
            matching_step(RFC_SECRET, code, at=datetime.fromtimestamp(seconds, UTC), after=None)
            is None
        )


def test_a_used_step_and_older_ones_are_refused():
    at = datetime.fromtimestamp(1000 * 30 + 5, UTC)
    assert matching_step(RFC_SECRET, hotp(RFC_SECRET, 1000), at=at, after=1000) is None
    assert matching_step(RFC_SECRET, hotp(RFC_SECRET, 999), at=at, after=999) is None
    assert matching_step(RFC_SECRET, hotp(RFC_SECRET, 1001), at=at, after=1000) == 1001


@pytest.mark.parametrize("code", ["", "12345", "1234567", "12a456", "١٢٣٤٥٦", "123 456 7"])
def test_malformed_codes_never_match(code):
    assert matching_step(RFC_SECRET, code, at=datetime.fromtimestamp(59, UTC), after=None) is None


def test_recovery_codes_are_distinct_and_typing_variants_normalize():
    codes = new_recovery_codes()
    assert len(set(codes)) == 10
    assert all(len(code) == 11 and code[5] == "-" for code in codes)
    assert normalize_recovery_code(f"  {codes[0].upper().replace('-', ' ')} ") == codes[0]
