"""Encryption of sensitive free text at rest (Fernet; several keys allow rotation)."""

from __future__ import annotations

import base64
import hashlib

from cryptography.fernet import Fernet, InvalidToken, MultiFernet

from app.adapters import AdapterKey


class FieldCipher:
    """Encrypts with the first key, decrypts with any of them."""

    def __init__(self, keys: list[str]) -> None:
        if not keys:
            raise ValueError("at least one encryption key is required")
        self._newest = Fernet(keys[0].encode())
        self._fernet = MultiFernet([Fernet(key.encode()) for key in keys])

    @classmethod
    def derived_from(cls, secret_key: str) -> FieldCipher:
        """A development cipher whose key is derived from the app's secret key."""
        digest = hashlib.sha256(f"field-encryption:{secret_key}".encode()).digest()
        return cls([base64.urlsafe_b64encode(digest).decode()])

    def encrypt(self, text: str) -> bytes:
        """Encrypt and authenticate a string."""
        return self._fernet.encrypt(text.encode())

    def decrypt(self, token: bytes) -> str:
        """Decrypt a value written by encrypt (with any configured key)."""
        try:
            return self._fernet.decrypt(token).decode()
        except InvalidToken as exc:
            raise ValueError("the value cannot be decrypted with the configured keys") from exc

    def is_current(self, token: bytes) -> bool:
        """True when the value is already encrypted with the newest key."""
        try:
            self._newest.decrypt(token)
        except InvalidToken:
            return False
        return True

    def rotate(self, token: bytes) -> bytes:
        """The same value re-encrypted with the newest key (its timestamp kept)."""
        try:
            return self._fernet.rotate(token)
        except InvalidToken as exc:
            raise ValueError("the value cannot be decrypted with the configured keys") from exc


FIELD_CIPHER: AdapterKey[FieldCipher] = AdapterKey("field cipher")
