"""Screens that refuse guessable or breached passwords, behind one small protocol.

The offline default scores a password with zxcvbn, whose shipped frequency lists hold the common
passwords, words and names of public breaches; the optional online screen asks a Have I Been
Pwned compatible range API with k-anonymity (only 5 hex characters of the SHA-1 leave us).
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Sequence
from typing import Protocol

import urllib3
from zxcvbn import zxcvbn

log = logging.getLogger(__name__)

MIN_SCORE = 3  # zxcvbn: 3 = "safely unguessable: moderate protection from offline attacks"
SCORED_PREFIX = 72  # zxcvbn's own input limit; the rest of a longer password only adds strength


class PasswordScreen(Protocol):
    """Says what is wrong with a candidate password (nothing: it may be used)."""

    def problems(self, password: str, *, personal: Sequence[str]) -> list[str]:
        """Human-readable reasons to refuse the password; `personal` holds the user's own words."""
        ...


class GuessabilityScreen:
    """Refuses passwords that zxcvbn finds guessable: common, breached-list, personal, patterned."""

    def problems(self, password: str, *, personal: Sequence[str]) -> list[str]:
        """Reasons from zxcvbn's estimate when the score is below the minimum."""
        verdict = zxcvbn(password[:SCORED_PREFIX], user_inputs=list(personal))
        if verdict["score"] >= MIN_SCORE:
            return []
        feedback = verdict["feedback"]
        reasons = [feedback["warning"]] if feedback.get("warning") else []
        reasons += list(feedback.get("suggestions") or [])
        return ["Is too easy to guess.", *reasons]


class PwnedPasswordsScreen:
    """Refuses passwords seen in breaches, asking a range API (k-anonymity, padded answers)."""

    def __init__(self, base_url: str, *, timeout_seconds: float = 3.0) -> None:
        self._base_url = base_url.rstrip("/")
        self._http = urllib3.PoolManager(
            timeout=urllib3.Timeout(total=timeout_seconds), retries=False
        )

    def problems(self, password: str, *, personal: Sequence[str]) -> list[str]:
        """One reason when the password is in the breach corpus; none when the service fails."""
        sha1 = hashlib.sha1(password.encode(), usedforsecurity=False).hexdigest().upper()
        prefix, suffix = sha1[:5], sha1[5:]
        try:
            response = self._http.request(
                "GET", f"{self._base_url}/range/{prefix}", headers={"Add-Padding": "true"}
            )
        except urllib3.exceptions.HTTPError as exc:
            log.warning("breached-password check unavailable: %s", type(exc).__name__)
            return []  # fail open: an outage must not stop people from setting passwords
        if response.status != 200:
            log.warning("breached-password check answered %s", response.status)
            return []
        for line in response.data.decode("ascii", "replace").splitlines():
            candidate, _, count = line.strip().partition(":")
            if candidate == suffix and count.strip() not in ("", "0"):
                return ["Has appeared in a data breach; choose one that has not."]
        return []


class CombinedScreen:
    """Every screen's problems, in order."""

    def __init__(self, screens: Sequence[PasswordScreen]) -> None:
        self._screens = tuple(screens)

    def problems(self, password: str, *, personal: Sequence[str]) -> list[str]:
        """The concatenated reasons of all screens."""
        return [
            reason
            for screen in self._screens
            for reason in screen.problems(password, personal=personal)
        ]


def password_screen(breach_api_url: str | None) -> PasswordScreen:
    """The offline screen, plus the breach API when one is configured."""
    offline = GuessabilityScreen()
    if not breach_api_url:
        return offline
    return CombinedScreen([offline, PwnedPasswordsScreen(breach_api_url)])
