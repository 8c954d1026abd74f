"""The defaults of a session type and of a clinic's booking policy: the model, the schema and
the service all read them from here."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final


@dataclass(frozen=True)
class SessionTypeDefaults:
    """What a session type is unless its creator says otherwise."""

    duration_minutes: int = 50
    buffer_before_minutes: int = 0
    buffer_after_minutes: int = 10
    min_notice_minutes: int = 24 * 60
    horizon_days: int = 60
    slot_step_minutes: int = 60
    format: str = "video"
    requires_approval: bool = False
    is_group: bool = False
    capacity: int = 1
    active: bool = True


@dataclass(frozen=True)
class PolicyDefaults:
    """A clinic's booking policy until an admin sets one."""

    cancellation_window_minutes: int = 24 * 60
    hold_minutes: int = 10
    max_active_holds: int = 3


SESSION_TYPE_DEFAULTS: Final = SessionTypeDefaults()
POLICY_DEFAULTS: Final = PolicyDefaults()
