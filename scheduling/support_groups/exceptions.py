"""Support group errors, under the scheduling errors and the app's categories."""

from app.exceptions import Conflict, InvalidRequest, NotFound, PermissionDenied
from scheduling.exceptions import SchedulingError


class GroupNotFound(SchedulingError, NotFound):
    """No such group (or meeting, member, report) among those the caller may see."""


class InvalidAlias(SchedulingError, InvalidRequest):
    """An alias that is blank, too long, taken in the group, or the member's own name."""


class GuidelinesNotAccepted(SchedulingError, InvalidRequest):
    """The member did not accept the group's current guidelines."""


class NotWelcome(SchedulingError, PermissionDenied):
    """A member banned from the group, or a member's place the host has taken away."""


class MembershipConflict(SchedulingError, Conflict):
    """Already a member, not a member, or the group has ended."""
