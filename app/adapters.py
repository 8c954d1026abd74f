"""Typed slots for the outside-world adapters an app is built with (video, mail, ciphers...).

Each adapter kind is named by an `AdapterKey` declared next to its protocol; the composition
root installs one implementation per key, and views look it up by key with its type intact.
"""

from __future__ import annotations

from typing import Any, Generic, TypeVar, cast

T = TypeVar("T")


class AdapterKey(Generic[T]):
    """The name and type of one kind of adapter."""

    def __init__(self, name: str) -> None:
        self.name = name

    def __repr__(self) -> str:
        return f"AdapterKey({self.name!r})"


class MissingAdapter(LookupError):
    """No adapter was installed under the key."""


class Adapters:
    """The adapters of one app, one per key."""

    def __init__(self) -> None:
        self._installed: dict[AdapterKey[Any], object] = {}

    def install(self, key: AdapterKey[T], adapter: T) -> None:
        """Use `adapter` for `key` (once per key)."""
        if key in self._installed:
            raise ValueError(f"{key!r} is already installed")
        self._installed[key] = adapter

    def get(self, key: AdapterKey[T]) -> T:
        """The adapter installed for `key`."""
        try:
            return cast(T, self._installed[key])
        except KeyError:
            raise MissingAdapter(f"nothing is installed for {key!r}") from None
