"""Pure fee arithmetic: a cancellation or no-show fee under a clinic's policy."""

from __future__ import annotations

from billing.money import share
from billing.pricing.models import FeeKind


def policy_fee(kind: FeeKind, value: int, session_fee: int) -> int:
    """The fee a policy sets: nothing, a fixed amount, or a share (basis points) of the fee."""
    if kind is FeeKind.FIXED:
        return value
    if kind is FeeKind.SHARE:
        return share(session_fee, value)
    return 0
