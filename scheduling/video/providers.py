"""Video rooms: random room names and short-lived, per-participant join links (HS256 JWTs).

Pure module, no Flask and no database. `create_app` picks a provider from config: `JitsiProvider`
for a Jitsi Meet deployment with token authentication, `DevelopmentVideoProvider` for local
development and tests. Both sign the same claims with the same code.

Privacy: a room name is pure randomness (nothing derived from appointment, client or therapist
ids, no clinical words). Jitsi folds room names to lower case, so names are generated in lower
case already and every one of their characters carries entropy (32 base32 characters, 160 bits).
"""

from __future__ import annotations

import base64
import re
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any, Protocol, runtime_checkable
from urllib.parse import urlsplit

import jwt

from app.adapters import AdapterKey

JOIN_OPENS_BEFORE = timedelta(minutes=10)
JOIN_CLOSES_AFTER = timedelta(minutes=15)
JOIN_TOKEN_LIFETIME = timedelta(minutes=5)  # each link: enough to open it, useless soon after

ALGORITHM = "HS256"
AUDIENCE = "jitsi"
ROOM_PREFIX = "room-"
ROOM_RANDOM_BYTES = 20  # 160 bits; base32 of 20 bytes is 32 characters with no padding
MIN_SECRET_LENGTH = 32
DEV_ISSUER = "dev-video"

_HOST_LABEL = r"[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?"
_HOST_NAME = re.compile(rf"{_HOST_LABEL}(?:\.{_HOST_LABEL})*")
_ROOM_NAME = re.compile(r"[A-Za-z0-9_-]{1,200}")


@dataclass(frozen=True)
class Participant:
    """Who joins a room: an opaque user id, the name others see, and whether they moderate."""

    user_id: str
    display_name: str
    moderator: bool
    muted: bool = False  # muted by a support group's host: the room starts them silent

    def __post_init__(self) -> None:
        """Reject empty ids and names and non-boolean moderator flags (such as "false")."""
        if not self.user_id.strip():
            raise ValueError("A participant needs a user id.")
        if not self.display_name.strip():
            raise ValueError("A participant needs a display name.")
        if not isinstance(self.moderator, bool):
            raise ValueError("A participant's moderator flag must be a boolean.")


@dataclass(frozen=True)
class Admission:
    """Who a development room lets in, and for how long."""

    room: str
    display_name: str
    moderator: bool
    opens_at: datetime
    expires_at: datetime


class RoomRefused(ValueError):
    """A development room refuses the link (invalid, another room, too early, expired)."""

    def __init__(self, reason: str, *, opens_at: datetime | None = None) -> None:
        super().__init__(reason)
        self.reason = reason
        self.opens_at = opens_at


@runtime_checkable
class VideoProvider(Protocol):
    """Creates rooms and time-bound join links for one participant each."""

    def join_url(
        self,
        room: str,
        participant: Participant,
        *,
        not_before: datetime,
        expires_at: datetime,
        origin: str | None = None,
    ) -> str:
        """Return a link that lets the participant into the room between the two instants.

        `origin` is where this app is being reached (development links point back at it);
        providers that host rooms elsewhere ignore it.
        """
        ...


VIDEO: AdapterKey[VideoProvider] = AdapterKey("video")


def new_room_name() -> str:
    """Return "room-" and 32 lower-case base32 characters (160 bits from `secrets`)."""
    random = base64.b32encode(secrets.token_bytes(ROOM_RANDOM_BYTES)).decode("ascii").lower()
    return ROOM_PREFIX + random


def join_window(starts_at: datetime, ends_at: datetime) -> tuple[datetime, datetime]:
    """A session can be joined from 10 minutes before it starts until 15 minutes after it ends."""
    _require_aware(starts_at=starts_at, ends_at=ends_at)
    if ends_at <= starts_at:
        raise ValueError("A session must end after it starts.")
    return starts_at - JOIN_OPENS_BEFORE, ends_at + JOIN_CLOSES_AFTER


def token_expiry(now: datetime, closes_at: datetime) -> datetime:
    """A join token lives JOIN_TOKEN_LIFETIME from when it is issued, never past the window."""
    _require_aware(now=now, closes_at=closes_at)
    return min(now + JOIN_TOKEN_LIFETIME, closes_at)


class _SignedRoomProvider:
    """Room names and HS256 join tokens shared by the Jitsi and development providers."""

    def __init__(self, *, issuer: str, subject: str, secret: str) -> None:
        if not issuer.strip():
            raise ValueError("The token issuer (app id) must not be empty.")
        if len(secret) < MIN_SECRET_LENGTH:
            raise ValueError(f"The video secret must be at least {MIN_SECRET_LENGTH} characters.")
        self._issuer = issuer
        self._subject = subject
        self._secret = secret

    def _token(
        self, room: str, participant: Participant, *, not_before: datetime, expires_at: datetime
    ) -> str:
        """Return the signed join token for one participant in one room."""
        if not _ROOM_NAME.fullmatch(room):
            raise ValueError("A room name may only contain letters, digits, '-' and '_'.")
        _require_aware(not_before=not_before, expires_at=expires_at)
        if expires_at <= not_before:
            raise ValueError("A join token must expire after it becomes valid.")
        claims: dict[str, Any] = {
            "iss": self._issuer,
            "aud": AUDIENCE,
            "sub": self._subject,
            "room": room,
            "iat": int(datetime.now(UTC).timestamp()),
            "nbf": int(not_before.timestamp()),
            "exp": int(expires_at.timestamp()),
            "moderator": participant.moderator,
            "context": {
                "user": {
                    "id": participant.user_id,
                    "name": participant.display_name,
                    "moderator": participant.moderator,
                    **({"muted": True} if participant.muted else {}),
                }
            },
        }
        return jwt.encode(claims, self._secret, algorithm=ALGORITHM)


class JitsiProvider(_SignedRoomProvider):
    """Jitsi Meet with token authentication: one signed link per participant."""

    def __init__(self, *, domain: str, app_id: str, secret: str) -> None:
        if not _is_host_name(domain):
            raise ValueError("The Jitsi domain must be a bare host name, such as meet.example.com.")
        super().__init__(issuer=app_id, subject=domain, secret=secret)
        self.domain = domain

    def join_url(
        self,
        room: str,
        participant: Participant,
        *,
        not_before: datetime,
        expires_at: datetime,
        origin: str | None = None,
    ) -> str:
        """Return https://{domain}/{room}?jwt={token} for this participant."""
        token = self._token(room, participant, not_before=not_before, expires_at=expires_at)
        return f"https://{self.domain}/{room}?jwt={token}"


class DevelopmentVideoProvider(_SignedRoomProvider):
    """A stand-in for Jitsi in development and tests: links point at this app's dev page."""

    def __init__(self, *, base_url: str, secret: str) -> None:
        parts = urlsplit(base_url)
        if (
            parts.scheme not in {"http", "https"}
            or not parts.hostname
            or parts.query
            or parts.fragment
        ):
            raise ValueError("The base URL must be an http(s) URL without query or fragment.")
        super().__init__(issuer=DEV_ISSUER, subject=parts.hostname, secret=secret)
        self.base_url = base_url.rstrip("/")

    def join_url(
        self,
        room: str,
        participant: Participant,
        *,
        not_before: datetime,
        expires_at: datetime,
        origin: str | None = None,
    ) -> str:
        """Return {origin or base_url}/dev-video/{room}?token={token} for this participant."""
        token = self._token(room, participant, not_before=not_before, expires_at=expires_at)
        return f"{(origin or self.base_url).rstrip('/')}/dev-video/{room}?token={token}"

    def admit(self, room: str, token: str, *, now: datetime | None = None) -> Admission:
        """Who the token lets into the room and when; RoomRefused says why not."""
        try:
            claims = jwt.decode(
                token,
                self._secret,
                algorithms=[ALGORITHM],
                audience=AUDIENCE,
                issuer=self._issuer,
                options={
                    "require": ["nbf", "exp", "room"],
                    "verify_exp": False,
                    "verify_nbf": False,
                },
            )
        except jwt.PyJWTError:
            raise RoomRefused("This link is not valid.") from None
        if claims["room"] != room:
            raise RoomRefused("This link is for another room.")
        opens_at = datetime.fromtimestamp(claims["nbf"], UTC)
        expires_at = datetime.fromtimestamp(claims["exp"], UTC)
        moment = now or datetime.now(UTC)
        if moment < opens_at:
            raise RoomRefused("The room is not open yet.", opens_at=opens_at)
        if moment >= expires_at:
            raise RoomRefused("This link has expired: ask the app for a new one.")
        user = claims["context"]["user"]
        return Admission(room, user["name"], bool(user["moderator"]), opens_at, expires_at)


def _is_host_name(domain: str) -> bool:
    """Whether a string is a bare DNS host name (no scheme, port, path or trailing dot)."""
    return len(domain) <= 253 and _HOST_NAME.fullmatch(domain) is not None


def _require_aware(**instants: datetime) -> None:
    """Raise ValueError naming the first instant that carries no UTC offset."""
    for name, instant in instants.items():
        if instant.tzinfo is None or instant.utcoffset() is None:
            raise ValueError(f"{name} must be a timezone-aware datetime.")
