"""Errors of the report endpoints."""

from app.exceptions import InvalidRequest, NotFound


class ReportNotFound(NotFound):
    """No such report, clinic or therapist for the caller."""


class InvalidReportWindow(InvalidRequest):
    """The dates are inverted or span too long."""
