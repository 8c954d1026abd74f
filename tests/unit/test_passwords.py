"""Password hashing and rules."""

from __future__ import annotations

import pytest

from app.identity.exceptions import WeakPassword
from app.identity.password_screens import GuessabilityScreen
from app.identity.passwords import Argon2Parameters, PasswordHashing, check_password_rules

FAST = Argon2Parameters(time_cost=1, memory_kib=1024, parallelism=1)


def test_hash_is_argon2id_and_verifies():
    hashing = PasswordHashing(FAST)
    stored = hashing.hash("a-long-enough-passphrase")
    assert stored.startswith("$argon2id$")
    assert hashing.verify(stored, "a-long-enough-passphrase")
    assert not hashing.verify(stored, "a-long-enough-passphrasE")


def test_missing_or_corrupt_hash_never_verifies():
    hashing = PasswordHashing(FAST)
    assert not hashing.verify(None, "not-a-real-password-timing-equaliser")
    assert not hashing.verify("garbage", "anything")


def test_needs_rehash_when_parameters_change():
    old = PasswordHashing(FAST).hash("a-long-enough-passphrase")
    stronger = PasswordHashing(Argon2Parameters(time_cost=2, memory_kib=2048, parallelism=1))
    assert stronger.needs_rehash(old)
    assert not stronger.needs_rehash(stronger.hash("a-long-enough-passphrase"))


OFFLINE = GuessabilityScreen()


def test_good_password_passes():
    check_password_rules("correct-horse-battery-staple", email="river@example.org", screen=OFFLINE)


@pytest.mark.parametrize(
    "password",
    [
        "short",
        "Password1234",
        "zzzzzzzzzzzzzz",
        "my-river-passphrase",
        "1q2w3e4r5t6y",
        "iloveyou1234",
        "abc123456789",
        "x" * 257,
    ],
)
def test_bad_passwords_fail(password):
    with pytest.raises(WeakPassword):
        check_password_rules(password, email="river@example.org", screen=OFFLINE)


def test_the_persons_own_words_make_a_password_guessable():
    check_password_rules("Quetzalcoatl1987", email="river@example.org", screen=OFFLINE)
    with pytest.raises(WeakPassword) as refused:
        check_password_rules(
            "Quetzalcoatl1987",
            email="river@example.org",
            screen=OFFLINE,
            personal=["Quetzalcoatl"],
        )
    assert refused.value.errors["password"][0] == "Is too easy to guess."


def test_a_long_password_is_scored_on_its_first_72_characters_without_failing():
    check_password_rules(
        "correct-horse-battery-staple " * 8, email="river@example.org", screen=OFFLINE
    )
