"""Matching errors."""

from app.exceptions import DomainError, InvalidRequest, NotFound


class MatchingError(DomainError):
    """Base of every matching error."""


class IntakeNotFound(MatchingError, NotFound):
    """No such intake, or not the caller's."""


class InvalidIntake(MatchingError, InvalidRequest):
    """The answers break a rule (counts, values, combinations)."""


class NotEnoughOutcomes(MatchingError, InvalidRequest):
    """Training needs more recorded outcomes of both kinds."""
