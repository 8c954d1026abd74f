"""Directory errors."""

from app.exceptions import InvalidRequest, NotFound, PermissionDenied


class TherapistNotFound(NotFound):
    """No such therapist in the directory."""


class ClinicNotFound(NotFound):
    """No such clinic, or not one the caller manages."""


class ProfileNotEditable(PermissionDenied):
    """The caller may not change this profile or these fields."""


class InvalidProfile(InvalidRequest):
    """The profile data breaks a rule that spans several fields."""
