"""Request and response bodies of session coding, superbills and good-faith estimates."""

from __future__ import annotations

from typing import Any

from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from app.web.fields import Instant, calendar_date, one_line
from app.web.paging import PageQuerySchema
from billing.paperwork.codes import MAX_DIAGNOSES, ServiceKind
from billing.paperwork.estimates import DEFAULT_EXPECTED_SESSIONS

_KINDS = [kind.value for kind in ServiceKind]


class CodingInSchema(Schema):
    """Diagnoses (ICD-10-CM, primary first) and the kind of service of a held session."""

    diagnosis_codes = fields.List(
        fields.String(validate=validate.Length(min=1, max=16)),
        required=True,
        validate=validate.Length(min=1, max=MAX_DIAGNOSES),
        metadata={"description": "ICD-10-CM codes such as F41.1; normalized to upper case"},
    )
    service_kind = fields.Enum(
        ServiceKind,
        by_value=True,
        load_default=ServiceKind.INDIVIDUAL,
        metadata={"description": f"One of {', '.join(_KINDS)}"},
    )


class CodingSchema(Schema):
    """A session's coding."""

    appointment_id = fields.UUID()
    diagnosis_codes = fields.List(fields.String())
    service_kind = fields.Enum(ServiceKind, by_value=True)
    coded_by_id = fields.UUID()
    coded_at = Instant()


class BillingIdentitySchema(Schema):
    """The client's legal name and date of birth, as their insurer knows them."""

    legal_name = one_line(200, required=True)
    date_of_birth = calendar_date(required=True)


class BillingIdentityOutSchema(Schema):
    """The client's legal name and date of birth on file (null until given)."""

    legal_name = fields.String(allow_none=True)
    date_of_birth = fields.Date(allow_none=True)


class SuperbillQuerySchema(PageQuerySchema):
    """Whose superbills (staff) and which dates of service (inclusive, clinic's zone)."""

    client_id = fields.UUID(load_default=None, metadata={"description": "Staff only"})
    start = calendar_date(data_key="from", load_default=None)
    end = calendar_date(data_key="to", load_default=None)

    @validates_schema
    def _ordered(self, data: dict[str, Any], **_: Any) -> None:
        if data["start"] and data["end"] and data["start"] > data["end"]:
            raise ValidationError("Must not be after 'to'.", field_name="from")


class PatientSchema(Schema):
    """The patient on a superbill."""

    legal_name = fields.String()
    date_of_birth = fields.Date()


class ProviderSchema(Schema):
    """The rendering provider and the billing practice."""

    name = fields.String()
    credentials = fields.String(allow_none=True)
    license_number = fields.String(allow_none=True)
    license_jurisdiction = fields.String(allow_none=True)
    npi = fields.String(allow_none=True)
    clinic_name = fields.String()
    clinic_address = fields.String(allow_none=True)
    tax_id = fields.String(allow_none=True)


class SuperbillLineSchema(Schema):
    """One held session on a superbill; amounts in minor units."""

    appointment_id = fields.UUID()
    date_of_service = fields.Date()
    minutes = fields.Integer()
    place_of_service = fields.String()
    modifier = fields.String(allow_none=True)
    cpt_code = fields.String()
    description = fields.String()
    diagnosis_codes = fields.List(fields.String())
    fee = fields.Integer()
    paid = fields.Integer()
    currency = fields.String()


class SuperbillSchema(Schema):
    """A statement of held sessions for insurance reimbursement (fees never appear)."""

    patient = fields.Nested(PatientSchema)
    provider = fields.Nested(ProviderSchema)
    lines = fields.List(fields.Nested(SuperbillLineSchema))
    currency = fields.String()
    total_fee = fields.Integer()
    total_paid = fields.Integer()
    issued_at = Instant()


class EstimateRequestSchema(Schema):
    """What to estimate: a therapist's session type, and how many sessions to expect."""

    therapist_id = fields.UUID(required=True)
    session_type_id = fields.UUID(required=True)
    expected_sessions = fields.Integer(
        strict=True, load_default=DEFAULT_EXPECTED_SESSIONS, validate=validate.Range(min=1, max=52)
    )


class EstimateQuerySchema(PageQuerySchema):
    """Whose estimates (staff must say)."""

    client_id = fields.UUID(load_default=None, metadata={"description": "Staff only"})


class EstimateItemSchema(Schema):
    """One expected item with its CPT code and fee (minor units)."""

    cpt = fields.String(allow_none=True)
    description = fields.String()
    quantity = fields.Integer()
    unit_fee = fields.Integer()
    amount = fields.Integer()


class EstimateSchema(Schema):
    """A good-faith estimate as issued, and whether the bills exceed it by more than $400."""

    id = fields.UUID(attribute="estimate.id")
    client_id = fields.UUID(attribute="estimate.client_id")
    therapist_id = fields.UUID(attribute="estimate.therapist_id")
    session_type_id = fields.UUID(attribute="estimate.session_type_id")
    appointment_id = fields.UUID(attribute="estimate.appointment_id", allow_none=True)
    issued_at = Instant(attribute="estimate.issued_at")
    patient_name = fields.String()
    date_of_birth = fields.Date(allow_none=True)
    provider = fields.Nested(ProviderSchema)
    service_description = fields.String(attribute="estimate.service_description")
    items = fields.List(fields.Nested(EstimateItemSchema), attribute="estimate.items")
    expected_sessions = fields.Integer(attribute="estimate.expected_sessions")
    total = fields.Integer(attribute="estimate.total", metadata={"description": "Minor units"})
    currency = fields.String(attribute="estimate.currency")
    billed = fields.Integer(metadata={"description": "Session charges so far (not cancelled)"})
    exceeds_estimate_by = fields.Integer()
    flagged = fields.Boolean(metadata={"description": "Billed more than $400 above the estimate"})
    disclaimer = fields.String()
