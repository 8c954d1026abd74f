"""Paperwork errors, under billing's base and one of the app's error categories."""

from __future__ import annotations

from app.exceptions import Conflict, InvalidRequest, NotFound
from billing.exceptions import BillingError


class InvalidCoding(BillingError, InvalidRequest):
    """A diagnosis code or the service kind breaks the coding rules."""


class NotBillable(BillingError, Conflict):
    """The appointment cannot be coded or billed now (not held, a group session, too short)."""


class BillingIdentityMissing(BillingError, InvalidRequest):
    """The client's legal name or date of birth, needed on the document, is not on file."""


class ClientNotFound(BillingError, NotFound):
    """No such client, or not one the caller may see."""


class CodingNotFound(BillingError, NotFound):
    """The appointment has not been coded yet."""


class EstimateNotFound(BillingError, NotFound):
    """No such good-faith estimate, or not one the caller may see."""


class InvalidEstimateRequest(BillingError, InvalidRequest):
    """The estimate asked for cannot be made (unknown therapist, group or foreign session type)."""


class ClientRequired(BillingError, InvalidRequest):
    """Staff must say which client they mean (client_id)."""


class InvalidBillingIdentity(BillingError, InvalidRequest):
    """The legal name or date of birth given is not acceptable."""
