"""Webhook signatures against hand-computed HMACs (Stripe's scheme: t=..., v1=...)."""

from __future__ import annotations

import hashlib
import hmac
import time
from pathlib import Path
from typing import Any

from app.webhooks.signing import signature_header, verify_signature

SECRET = "whsec_test"
BODY = b'{"id":"evt_1","type":"ping"}'


def test_the_header_is_t_and_the_hmac_of_t_dot_body():
    expected = hmac.new(b"whsec_test", b"1700000000." + BODY, hashlib.sha256).hexdigest()
    assert expected == "33ff6664879612e191c4e01184f3da32597a3c9b33ca2655fac317d01c5abc3f"
    assert signature_header(BODY, SECRET, 1_700_000_000) == f"t=1700000000,v1={expected}"


def test_a_receiver_accepts_the_exact_body_within_the_tolerance():
    header = signature_header(BODY, SECRET, 1_700_000_000)
    assert verify_signature(BODY, header, SECRET, now=1_700_000_000 + 300)
    assert not verify_signature(BODY, header, SECRET, now=1_700_000_000 + 301)
    assert not verify_signature(BODY, header, SECRET, now=1_700_000_000 - 301)


def test_a_changed_body_another_secret_or_a_mangled_header_fail():
    header = signature_header(BODY, SECRET, 1_700_000_000)
    now = 1_700_000_000
    assert not verify_signature(BODY.replace(b"ping", b"pong"), header, SECRET, now=now)
    assert not verify_signature(BODY, header, "whsec_other", now=now)
    assert not verify_signature(
        BODY, header.replace("t=1700000000", "t=1700000001"), SECRET, now=now
    )
    assert not verify_signature(BODY, "v1=abc", SECRET, now=now)
    assert not verify_signature(BODY, "t=abc,v1=abc", SECRET, now=now)
    assert not verify_signature(BODY, "", SECRET, now=now)


def test_one_of_several_signatures_may_match_during_a_rotation():
    good = signature_header(BODY, SECRET, 1_700_000_000).split("v1=")[1]
    header = f"t=1700000000,v1={'0' * 64},v1={good}"
    assert verify_signature(BODY, header, SECRET, now=1_700_000_000)


def test_the_readme_snippet_verifies_what_we_sign():
    readme = (Path(__file__).parents[2] / "README.md").read_text()
    section = readme.split("## Webhooks", 1)[1]
    snippet = section.split("```python\n", 1)[1].split("```", 1)[0]
    namespace: dict[str, Any] = {}
    exec(snippet, namespace)  # noqa: S102 (our own README's code)
    now = int(time.time())
    header = signature_header(BODY, SECRET, now)
    assert namespace["verify"](BODY, header, SECRET)
    assert not namespace["verify"](BODY + b" ", header, SECRET)
    assert not namespace["verify"](BODY, signature_header(BODY, SECRET, now - 301), SECRET)
