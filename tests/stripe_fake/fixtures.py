"""Pytest fixtures: one fake per session, reset before each test that uses ``stripe_server``."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.stripe_fake import StripeFake


@pytest.fixture(scope="session")
def stripe_fake() -> Iterator[StripeFake]:
    """A StripeFake started once for the session and stopped at its end."""
    fake = StripeFake()
    fake.start()
    yield fake
    fake.stop()


@pytest.fixture
def stripe_server(stripe_fake: StripeFake) -> StripeFake:
    """The session's StripeFake, reset to empty for this test."""
    stripe_fake.reset()
    return stripe_fake
