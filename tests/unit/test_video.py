"""Video links: room-name randomness and privacy, per-participant JWT claims, time, forgery."""

from __future__ import annotations

import base64
import json
import re
import uuid
from datetime import UTC, datetime, timedelta, timezone
from typing import Any
from urllib.parse import parse_qs, urlsplit

import jwt
import pytest

from scheduling.video.providers import (
    JOIN_CLOSES_AFTER,
    JOIN_OPENS_BEFORE,
    JOIN_TOKEN_LIFETIME,
    DevelopmentVideoProvider,
    JitsiProvider,
    Participant,
    VideoProvider,
    join_window,
    new_room_name,
    token_expiry,
)

DOMAIN = "meet.example.com"
APP_ID = "teletherapy-app"
SECRET = "a-jitsi-shared-secret-of-more-than-32-chars"
OTHER_SECRET = "another-shared-secret-of-more-than-32-chars"
DEV_BASE = "http://localhost:5000"

THERAPIST = Participant(user_id=str(uuid.uuid4()), display_name="Dr. Rivera", moderator=True)
CLIENT = Participant(user_id=str(uuid.uuid4()), display_name="Blue Heron", moderator=False)
URL_SAFE = re.compile(r"[A-Za-z0-9_-]+")
CLAIM_NAMES = {"iss", "aud", "sub", "room", "iat", "nbf", "exp", "moderator", "context"}


def jitsi() -> JitsiProvider:
    """A Jitsi provider with the test secret."""
    return JitsiProvider(domain=DOMAIN, app_id=APP_ID, secret=SECRET)


def dev() -> DevelopmentVideoProvider:
    """A development provider with the test secret."""
    return DevelopmentVideoProvider(base_url=DEV_BASE, secret=SECRET)


def open_now() -> tuple[datetime, datetime]:
    """A validity window that contains the current instant."""
    now = datetime.now(UTC)
    return now - timedelta(minutes=5), now + timedelta(hours=1)


def token_of(url: str, parameter: str = "jwt") -> str:
    """The one token in a join URL's query string."""
    [token] = parse_qs(urlsplit(url).query, strict_parsing=True)[parameter]
    return token


def decode(token: str, secret: str = SECRET, issuer: str = APP_ID) -> dict[str, Any]:
    """Verify a token the way Jitsi does: HS256 only, audience and issuer checked."""
    return jwt.decode(token, secret, algorithms=["HS256"], audience="jitsi", issuer=issuer)


def b64url(data: bytes) -> str:
    """Unpadded base64url, as in a JWT segment."""
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def unb64url(text: str) -> bytes:
    """Decode an unpadded base64url JWT segment."""
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


# --- claims ---------------------------------------------------------------------------------


def test_jitsi_url_and_every_claim() -> None:
    room = new_room_name()
    not_before, expires_at = open_now()
    before = int(datetime.now(UTC).timestamp())
    url = jitsi().join_url(room, CLIENT, not_before=not_before, expires_at=expires_at)
    after = int(datetime.now(UTC).timestamp())

    parts = urlsplit(url)
    assert (parts.scheme, parts.netloc, parts.path) == ("https", DOMAIN, f"/{room}")
    assert url == f"https://{DOMAIN}/{room}?jwt={token_of(url)}"
    assert jwt.get_unverified_header(token_of(url))["alg"] == "HS256"

    claims = decode(token_of(url))
    assert set(claims) == CLAIM_NAMES
    assert claims["iss"] == APP_ID
    assert claims["aud"] == "jitsi"
    assert claims["sub"] == DOMAIN
    assert claims["room"] == room
    assert claims["nbf"] == int(not_before.timestamp())
    assert claims["exp"] == int(expires_at.timestamp())
    assert before <= claims["iat"] <= after
    assert claims["moderator"] is False
    assert claims["context"] == {
        "user": {"id": CLIENT.user_id, "name": "Blue Heron", "moderator": False}
    }


def test_development_url_and_the_same_claims() -> None:
    room = new_room_name()
    not_before, expires_at = open_now()
    url = dev().join_url(room, THERAPIST, not_before=not_before, expires_at=expires_at)

    token = token_of(url, "token")
    assert url == f"{DEV_BASE}/dev-video/{room}?token={token}"
    claims = decode(token, issuer="dev-video")
    assert set(claims) == CLAIM_NAMES
    assert (claims["aud"], claims["sub"], claims["room"]) == ("jitsi", "localhost", room)
    assert (claims["nbf"], claims["exp"]) == (
        int(not_before.timestamp()),
        int(expires_at.timestamp()),
    )
    assert claims["moderator"] is True
    assert claims["context"]["user"] == {
        "id": THERAPIST.user_id,
        "name": "Dr. Rivera",
        "moderator": True,
    }


def test_development_base_url_trailing_slash_is_not_doubled() -> None:
    provider = DevelopmentVideoProvider(base_url=DEV_BASE + "/", secret=SECRET)
    url = provider.join_url("room-x", CLIENT, not_before=open_now()[0], expires_at=open_now()[1])
    assert url.startswith(f"{DEV_BASE}/dev-video/room-x?token=")


@pytest.mark.parametrize("provider", [jitsi(), dev()], ids=["jitsi", "dev"])
def test_both_providers_satisfy_the_protocol(provider: VideoProvider) -> None:
    assert isinstance(provider, VideoProvider)
    assert URL_SAFE.fullmatch(new_room_name())


@pytest.mark.parametrize(
    ("participant", "moderator"), [(THERAPIST, True), (CLIENT, False)], ids=["therapist", "client"]
)
def test_therapist_moderates_and_client_does_not(participant: Participant, moderator: bool) -> None:
    not_before, expires_at = open_now()
    url = jitsi().join_url("room-a", participant, not_before=not_before, expires_at=expires_at)
    claims = decode(token_of(url))
    assert claims["moderator"] is moderator
    assert claims["context"]["user"]["moderator"] is moderator
    assert claims["context"]["user"]["id"] == participant.user_id


def test_each_participant_gets_their_own_token() -> None:
    not_before, expires_at = open_now()
    provider = jitsi()
    mine = provider.join_url("room-a", THERAPIST, not_before=not_before, expires_at=expires_at)
    theirs = provider.join_url("room-a", CLIENT, not_before=not_before, expires_at=expires_at)
    assert token_of(mine) != token_of(theirs)


def test_non_ascii_display_names_survive() -> None:
    person = Participant(user_id="u-1", display_name="Zoë Åström 山田", moderator=False)
    not_before, expires_at = open_now()
    url = jitsi().join_url("room-a", person, not_before=not_before, expires_at=expires_at)
    assert url.isascii()
    assert decode(token_of(url))["context"]["user"]["name"] == "Zoë Åström 山田"


# --- time bounds ----------------------------------------------------------------------------


def test_token_is_not_valid_before_nbf() -> None:
    now = datetime.now(UTC)
    url = jitsi().join_url(
        "room-a", CLIENT, not_before=now + timedelta(hours=1), expires_at=now + timedelta(hours=2)
    )
    with pytest.raises(jwt.ImmatureSignatureError):
        decode(token_of(url))


def test_token_is_not_valid_after_exp() -> None:
    now = datetime.now(UTC)
    url = jitsi().join_url(
        "room-a", CLIENT, not_before=now - timedelta(hours=2), expires_at=now - timedelta(hours=1)
    )
    with pytest.raises(jwt.ExpiredSignatureError):
        decode(token_of(url))


def test_token_is_valid_only_inside_its_window() -> None:
    now = datetime.now(UTC)
    url = jitsi().join_url(
        "room-a", CLIENT, not_before=now + timedelta(hours=1), expires_at=now + timedelta(hours=2)
    )
    token = token_of(url)
    # Shift PyJWT's notion of "now" with leeway: 90 minutes ahead is inside the window.
    inside = jwt.decode(
        token, SECRET, algorithms=["HS256"], audience="jitsi", leeway=timedelta(minutes=90)
    )
    assert inside["room"] == "room-a"
    with pytest.raises(jwt.ImmatureSignatureError):
        jwt.decode(
            token, SECRET, algorithms=["HS256"], audience="jitsi", leeway=timedelta(minutes=55)
        )


def test_offsets_other_than_utc_give_the_same_instants() -> None:
    plus_two = timezone(timedelta(hours=2))
    not_before = datetime(2030, 5, 1, 11, 50, tzinfo=plus_two)
    expires_at = datetime(2030, 5, 1, 13, 15, tzinfo=plus_two)
    url = jitsi().join_url("room-a", CLIENT, not_before=not_before, expires_at=expires_at)
    claims = jwt.decode(
        token_of(url), SECRET, algorithms=["HS256"], audience="jitsi", options={"verify_nbf": False}
    )
    assert claims["nbf"] == int(datetime(2030, 5, 1, 9, 50, tzinfo=UTC).timestamp())
    assert claims["exp"] == int(datetime(2030, 5, 1, 11, 15, tzinfo=UTC).timestamp())


def test_join_window_tokens_work_during_the_session() -> None:
    now = datetime.now(UTC)
    opens, closes = join_window(now - timedelta(minutes=5), now + timedelta(minutes=45))
    url = jitsi().join_url("room-a", CLIENT, not_before=opens, expires_at=closes)
    assert decode(token_of(url))["exp"] == int((now + timedelta(minutes=60)).timestamp())


# --- forgery --------------------------------------------------------------------------------


def test_tampered_payload_breaks_the_signature() -> None:
    not_before, expires_at = open_now()
    token = token_of(
        jitsi().join_url("room-a", CLIENT, not_before=not_before, expires_at=expires_at)
    )
    header, payload, signature = token.split(".")
    claims = json.loads(unb64url(payload))
    claims["moderator"] = True
    claims["context"]["user"]["moderator"] = True
    forged = ".".join([header, b64url(json.dumps(claims).encode()), signature])
    with pytest.raises(jwt.InvalidSignatureError):
        decode(forged)


def test_tampered_room_breaks_the_signature() -> None:
    not_before, expires_at = open_now()
    token = token_of(
        jitsi().join_url("room-a", CLIENT, not_before=not_before, expires_at=expires_at)
    )
    header, payload, signature = token.split(".")
    claims = json.loads(unb64url(payload))
    claims["room"] = "room-b"
    forged = ".".join([header, b64url(json.dumps(claims).encode()), signature])
    with pytest.raises(jwt.InvalidSignatureError):
        decode(forged)


def test_token_signed_with_another_secret_fails() -> None:
    not_before, expires_at = open_now()
    impostor = JitsiProvider(domain=DOMAIN, app_id=APP_ID, secret=OTHER_SECRET)
    url = impostor.join_url("room-a", THERAPIST, not_before=not_before, expires_at=expires_at)
    with pytest.raises(jwt.InvalidSignatureError):
        decode(token_of(url))
    assert decode(token_of(url), secret=OTHER_SECRET)["moderator"] is True


def test_unsigned_alg_none_token_is_rejected() -> None:
    not_before, expires_at = open_now()
    genuine = decode(
        token_of(jitsi().join_url("room-a", CLIENT, not_before=not_before, expires_at=expires_at))
    )
    genuine["moderator"] = True
    unsigned = jwt.encode(genuine, None, algorithm="none")
    assert jwt.get_unverified_header(unsigned)["alg"] == "none"
    with pytest.raises(jwt.InvalidAlgorithmError):
        decode(unsigned)
    hand_made = b64url(b'{"alg":"none","typ":"JWT"}') + "." + b64url(json.dumps(genuine).encode())
    with pytest.raises(jwt.InvalidTokenError):
        decode(hand_made + ".")


def test_wrong_audience_or_issuer_fails() -> None:
    not_before, expires_at = open_now()
    token = token_of(
        jitsi().join_url("room-a", CLIENT, not_before=not_before, expires_at=expires_at)
    )
    with pytest.raises(jwt.InvalidAudienceError):
        jwt.decode(token, SECRET, algorithms=["HS256"], audience="teletherapy-api")
    with pytest.raises(jwt.InvalidIssuerError):
        decode(token, issuer="someone-else")


# --- room names -----------------------------------------------------------------------------


def test_room_names_are_unique_url_safe_and_random_enough() -> None:
    names = [new_room_name() for _ in range(1000)]
    assert len(set(names)) == 1000
    # Jitsi folds room names to lower case; they must stay distinct after folding.
    assert len({name.lower() for name in names}) == 1000
    for name in names:
        assert name.startswith("room-")
        assert URL_SAFE.fullmatch(name)
        random_part = name.removeprefix("room-")
        assert random_part == random_part.lower()
        assert re.fullmatch(r"[a-z2-7]+", random_part)  # base32: 5 bits per character
        assert len(random_part) >= 26  # 26 * 5 = 130 bits >= 128
        assert len(random_part) * 5 >= 160


def test_room_names_use_every_base32_symbol() -> None:
    symbols = set("".join(new_room_name().removeprefix("room-") for _ in range(200)))
    assert symbols == set("abcdefghijklmnopqrstuvwxyz234567")


def test_room_names_are_never_derived_from_ids() -> None:
    appointment_id = uuid.uuid4()
    forbidden = {
        str(appointment_id),
        appointment_id.hex,
        str(appointment_id).split("-")[0],
        appointment_id.hex[-12:],
    }
    provider = jitsi()
    not_before, expires_at = open_now()
    for _ in range(200):
        room = new_room_name()
        url = provider.join_url(room, CLIENT, not_before=not_before, expires_at=expires_at)
        payload = json.dumps(decode(token_of(url)))
        for text in (room, url, payload):
            assert not any(piece in text for piece in forbidden)


@pytest.mark.parametrize("word", ["therapy", "therap", "session", "appointment", "clinic"])
def test_room_names_carry_no_clinical_words(word: str) -> None:
    assert all(word not in new_room_name() for _ in range(200))


# --- join window ----------------------------------------------------------------------------


def test_join_window_math() -> None:
    starts_at = datetime(2030, 3, 4, 15, 0, tzinfo=UTC)
    ends_at = datetime(2030, 3, 4, 15, 50, tzinfo=UTC)
    assert timedelta(minutes=10) == JOIN_OPENS_BEFORE
    assert timedelta(minutes=15) == JOIN_CLOSES_AFTER
    assert join_window(starts_at, ends_at) == (
        datetime(2030, 3, 4, 14, 50, tzinfo=UTC),
        datetime(2030, 3, 4, 16, 5, tzinfo=UTC),
    )


def test_join_window_crosses_midnight_and_keeps_offsets() -> None:
    minus_five = timezone(timedelta(hours=-5))
    opens, closes = join_window(
        datetime(2030, 1, 1, 0, 5, tzinfo=minus_five),
        datetime(2030, 1, 1, 23, 50, tzinfo=minus_five),
    )
    assert opens == datetime(2029, 12, 31, 23, 55, tzinfo=minus_five)
    assert closes == datetime(2030, 1, 2, 0, 5, tzinfo=minus_five)
    assert opens.utcoffset() == closes.utcoffset() == timedelta(hours=-5)


@pytest.mark.parametrize(
    ("starts_at", "ends_at"),
    [
        (datetime(2030, 1, 1, 9), datetime(2030, 1, 1, 10, tzinfo=UTC)),
        (datetime(2030, 1, 1, 9, tzinfo=UTC), datetime(2030, 1, 1, 10)),
        (datetime(2030, 1, 1, 10, tzinfo=UTC), datetime(2030, 1, 1, 10, tzinfo=UTC)),
        (datetime(2030, 1, 1, 10, tzinfo=UTC), datetime(2030, 1, 1, 9, tzinfo=UTC)),
    ],
    ids=["naive-start", "naive-end", "empty", "inverted"],
)
def test_join_window_rejects_bad_input(starts_at: datetime, ends_at: datetime) -> None:
    with pytest.raises(ValueError):  # noqa: PT011
        join_window(starts_at, ends_at)


# --- validation -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "domain",
    [
        "https://x",
        "http://meet.example.com",
        "meet.example.com/",
        "meet.example.com/room",
        "meet.example.com:443",
        "meet.example.com?jwt=x",
        "user@meet.example.com",
        "-meet.example.com",
        "meet..example.com",
        "meet.example.com.",
        "",
        " meet.example.com",
        "meet.example.com\n",
    ],
)
def test_jitsi_rejects_anything_but_a_bare_host(domain: str) -> None:
    with pytest.raises(ValueError, match="bare host name"):
        JitsiProvider(domain=domain, app_id=APP_ID, secret=SECRET)


@pytest.mark.parametrize("domain", ["meet.example.com", "localhost", "jitsi-1.internal.example"])
def test_jitsi_accepts_host_names(domain: str) -> None:
    assert JitsiProvider(domain=domain, app_id=APP_ID, secret=SECRET).domain == domain


def test_secrets_must_be_at_least_32_characters() -> None:
    with pytest.raises(ValueError, match="at least 32"):
        JitsiProvider(domain=DOMAIN, app_id=APP_ID, secret="x" * 31)
    with pytest.raises(ValueError, match="at least 32"):
        DevelopmentVideoProvider(base_url=DEV_BASE, secret="short")
    JitsiProvider(domain=DOMAIN, app_id=APP_ID, secret="x" * 32)


def test_app_id_must_not_be_empty() -> None:
    with pytest.raises(ValueError, match="issuer"):
        JitsiProvider(domain=DOMAIN, app_id=" ", secret=SECRET)


@pytest.mark.parametrize(
    "base_url",
    ["localhost:5000", "ftp://localhost", "http://", "http://localhost/?a=1", "http://x/#f", ""],
)
def test_development_provider_rejects_bad_base_urls(base_url: str) -> None:
    with pytest.raises(ValueError, match="base URL"):
        DevelopmentVideoProvider(base_url=base_url, secret=SECRET)


@pytest.mark.parametrize("provider", [jitsi(), dev()], ids=["jitsi", "dev"])
@pytest.mark.parametrize(
    ("not_before", "expires_at", "message"),
    [
        (datetime(2030, 1, 1, 9), datetime(2030, 1, 1, 10, tzinfo=UTC), "not_before"),
        (datetime(2030, 1, 1, 9, tzinfo=UTC), datetime(2030, 1, 1, 10), "expires_at"),
        (datetime(2030, 1, 1, 9, tzinfo=UTC), datetime(2030, 1, 1, 9, tzinfo=UTC), "expire after"),
        (datetime(2030, 1, 1, 9, tzinfo=UTC), datetime(2030, 1, 1, 8, tzinfo=UTC), "expire after"),
    ],
    ids=["naive-nbf", "naive-exp", "exp-equals-nbf", "exp-before-nbf"],
)
def test_join_url_rejects_bad_times(
    provider: VideoProvider, not_before: datetime, expires_at: datetime, message: str
) -> None:
    with pytest.raises(ValueError, match=message):
        provider.join_url("room-a", CLIENT, not_before=not_before, expires_at=expires_at)


@pytest.mark.parametrize("room", ["", "../admin", "room a", "room?jwt=x", "room/x", "röom", "a#b"])
def test_join_url_rejects_room_names_that_are_not_url_safe(room: str) -> None:
    not_before, expires_at = open_now()
    with pytest.raises(ValueError, match="room name"):
        jitsi().join_url(room, CLIENT, not_before=not_before, expires_at=expires_at)


@pytest.mark.parametrize(
    ("user_id", "display_name", "moderator"),
    [("", "Blue Heron", False), ("u-1", " ", False), ("u-1", "Blue Heron", "false")],
    ids=["no-id", "no-name", "string-moderator"],
)
def test_participant_validation(user_id: str, display_name: str, moderator: Any) -> None:
    with pytest.raises(ValueError):  # noqa: PT011
        Participant(user_id=user_id, display_name=display_name, moderator=moderator)


def test_a_join_token_lives_minutes_and_never_past_the_window() -> None:
    now = datetime(2030, 5, 1, 9, 55, tzinfo=UTC)
    closes = datetime(2030, 5, 1, 11, 5, tzinfo=UTC)
    assert timedelta(minutes=5) == JOIN_TOKEN_LIFETIME
    assert token_expiry(now, closes) == datetime(2030, 5, 1, 10, 0, tzinfo=UTC)
    assert token_expiry(closes - timedelta(minutes=2), closes) == closes
    with pytest.raises(ValueError, match="now"):
        token_expiry(now.replace(tzinfo=None), closes)
