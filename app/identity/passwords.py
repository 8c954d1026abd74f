"""Password hashing (argon2id) and the password rules."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from argon2 import PasswordHasher, Type
from argon2.exceptions import InvalidHashError, VerificationError

from app.identity.exceptions import WeakPassword
from app.identity.password_screens import PasswordScreen

MIN_LENGTH = 12
MAX_LENGTH = 256


@dataclass(frozen=True)
class Argon2Parameters:
    """argon2id cost parameters (OWASP minimum: m=19 MiB, t=2, p=1)."""

    time_cost: int
    memory_kib: int
    parallelism: int


class PasswordHashing:
    """Hashes and verifies passwords; tells when a stored hash needs upgrading."""

    def __init__(self, params: Argon2Parameters) -> None:
        self._hasher = PasswordHasher(
            time_cost=params.time_cost,
            memory_cost=params.memory_kib,
            parallelism=params.parallelism,
            type=Type.ID,
        )
        # Verifying against this keeps unknown-email logins as slow as real ones.
        self._dummy_hash = self._hasher.hash("not-a-real-password-timing-equaliser")

    def hash(self, password: str) -> str:
        """Return an argon2id hash of the password."""
        return self._hasher.hash(password)

    def verify(self, stored_hash: str | None, password: str) -> bool:
        """True when the password matches; always spends the cost of one verification."""
        try:
            return self._hasher.verify(stored_hash or self._dummy_hash, password) and bool(
                stored_hash
            )
        except (VerificationError, InvalidHashError):
            return False

    def needs_rehash(self, stored_hash: str) -> bool:
        """True when the hash was made with other parameters than the current ones."""
        return self._hasher.check_needs_rehash(stored_hash)


def check_password_rules(
    password: str, *, email: str, screen: PasswordScreen, personal: Sequence[str] = ()
) -> None:
    """Raise WeakPassword when the password is too short or long, or a screen refuses it."""
    problems = []
    if len(password) < MIN_LENGTH:
        problems.append(f"Must be at least {MIN_LENGTH} characters long.")
    if len(password) > MAX_LENGTH:
        problems.append(f"Must be at most {MAX_LENGTH} characters long.")
    local_part = email.split("@", 1)[0].lower()
    if len(local_part) >= 4 and local_part in password.lower():
        problems.append("Must not contain your email address.")
    if not problems:
        problems = screen.problems(password, personal=[email, local_part, *personal])
    if problems:
        raise WeakPassword("The password does not meet the rules.", errors={"password": problems})
