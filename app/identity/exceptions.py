"""Identity errors."""

from app.exceptions import AuthenticationFailed, Conflict, InvalidRequest, PermissionDenied


class WeakPassword(InvalidRequest):
    """The password breaks the minimum rules."""


class EmailTaken(Conflict):
    """An account with this email already exists."""


class InvalidCredentials(AuthenticationFailed):
    """Email or password is wrong."""


class InvalidToken(AuthenticationFailed):
    """A token is malformed, tampered, expired, revoked or for a user who no longer exists."""


class EmailNotVerified(PermissionDenied):
    """The account's email address has not been verified yet."""


class InvalidMfaCode(AuthenticationFailed):
    """A second-factor code is wrong, spent or from another time."""


class WrongEnrolmentCode(InvalidRequest):
    """The first code from a new authenticator does not match its secret."""


class MfaRequired(PermissionDenied):
    """Staff must prove a second factor before reading client data."""
