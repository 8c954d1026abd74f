"""The people on a document: the patient (legal identity) and the provider (licence, NPI, TIN)."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import date
from typing import Any

from app.directory.models import ClientProfile, Clinic, TherapistLicense, TherapistProfile
from app.jurisdictions import license_covers
from billing.paperwork.exceptions import BillingIdentityMissing

IDENTITY_HINT = (
    "Superbills need the client's legal name and date of birth: the client can add them with "
    "PUT /api/v1/me/billing-identity."
)


@dataclass(frozen=True)
class Patient:
    """Who received the services, as their insurer knows them."""

    legal_name: str
    date_of_birth: date


@dataclass(frozen=True)
class Provider:
    """Who rendered the services and the practice billing for them."""

    name: str
    credentials: str | None
    license_number: str | None
    license_jurisdiction: str | None
    npi: str | None
    clinic_name: str
    clinic_address: str | None
    tax_id: str | None

    def as_json(self) -> dict[str, Any]:
        """The provider as stored on an issued estimate."""
        return asdict(self)

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Provider:
        """A provider stored by as_json."""
        return cls(
            name=data["name"],
            credentials=data.get("credentials"),
            license_number=data.get("license_number"),
            license_jurisdiction=data.get("license_jurisdiction"),
            npi=data.get("npi"),
            clinic_name=data["clinic_name"],
            clinic_address=data.get("clinic_address"),
            tax_id=data.get("tax_id"),
        )


def patient_of(client: ClientProfile) -> Patient:
    """The client's legal identity, or BillingIdentityMissing (422) naming what is missing."""
    missing = [
        name for name in ("legal_name", "date_of_birth") if getattr(client, name) in (None, "")
    ]
    if missing or client.legal_name is None or client.date_of_birth is None:
        raise BillingIdentityMissing(IDENTITY_HINT, errors={"missing": missing})
    return Patient(client.legal_name, client.date_of_birth)


def license_for(
    therapist: TherapistProfile, jurisdiction: str | None, on: date
) -> TherapistLicense | None:
    """The licence valid on that day where the client was, else any valid one, else none."""
    valid = [entry for entry in therapist.licenses if entry.valid_on(on)]
    for entry in valid:
        if jurisdiction is not None and license_covers(entry.jurisdiction, jurisdiction):
            return entry
    return valid[0] if valid else None


def provider_of(
    therapist: TherapistProfile, clinic: Clinic, *, jurisdiction: str | None, on: date
) -> Provider:
    """The therapist and their clinic as they appear on a superbill or an estimate."""
    licence = license_for(therapist, jurisdiction, on)
    return Provider(
        name=therapist.display_name,
        credentials=therapist.credentials,
        license_number=licence.number if licence else None,
        license_jurisdiction=licence.jurisdiction if licence else None,
        npi=therapist.npi,
        clinic_name=clinic.name,
        clinic_address=clinic.address,
        tax_id=clinic.tax_id,
    )
