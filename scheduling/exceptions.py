"""Scheduling errors, each under one of the app's error categories."""

from app.exceptions import Conflict, DomainError, InvalidRequest, NotFound


class SchedulingError(DomainError):
    """Base of every scheduling error."""


class InvalidAvailability(SchedulingError, InvalidRequest):
    """Availability intervals overlap, are inverted or out of range."""


class InvalidWindow(SchedulingError, InvalidRequest):
    """A time window is inverted, too long, or uses an unknown zone."""


class NotBookable(SchedulingError, InvalidRequest):
    """The start is not a listed slot (outside hours, off the grid, too soon, too far)."""


class NotLicensedThere(SchedulingError, InvalidRequest):
    """The therapist holds no valid license where the client is."""


class NotAcceptingClients(SchedulingError, InvalidRequest):
    """The therapist takes no new clients."""


class SlotTaken(SchedulingError, Conflict):
    """Someone else has the time, or the client is busy then."""


class TooManyHolds(SchedulingError, Conflict):
    """The client already holds as many slots as the clinic allows."""


class InvalidTransition(SchedulingError, Conflict):
    """The appointment's status does not allow this change now."""


class AppointmentNotFound(SchedulingError, NotFound):
    """No such appointment, or not one the caller may see."""


class SessionTypeNotFound(SchedulingError, NotFound):
    """No such session type for this therapist."""


class TimeOffNotFound(SchedulingError, NotFound):
    """No such time off entry."""


class ExternalCalendarNotFound(SchedulingError, NotFound):
    """No such external calendar for this therapist."""
