"""Schemas of the directory: clinics, therapist profiles, client profiles, vocabularies."""

from __future__ import annotations

from marshmallow import Schema, ValidationError, fields, validate

from app.directory.models import FACETS
from app.identity.schemas import UserSchema
from app.privacy import clinical_words_in
from app.web.fields import (
    Instant,
    MessageLocale,
    Money,
    TimeZone,
    calendar_date,
    code,
    codes,
    email_address,
    jurisdiction_code,
    one_line,
)


class ClinicSchema(Schema):
    """A clinic."""

    id = fields.UUID(dump_only=True)
    name = fields.String(dump_only=True)
    slug = fields.String(dump_only=True)
    timezone = fields.String(dump_only=True)
    calendar_name = fields.String(dump_only=True, allow_none=True)


def _no_clinical_words(value: str) -> None:
    found = clinical_words_in(value)
    if found:
        raise ValidationError(
            "Shown in calendars and emails, so it must not contain clinical words "
            f"({', '.join(found)})."
        )


class ClinicUpdateSchema(Schema):
    """Editable clinic fields."""

    name = one_line(200)
    timezone = TimeZone()
    calendar_name = one_line(
        120,
        allow_none=True,
        validate_also=_no_clinical_words,
        metadata={"description": "Neutral name shown in invites and emails, e.g. 'Harbor Light'"},
    )


class LicenseSchema(Schema):
    """A license to practise in one jurisdiction."""

    jurisdiction = jurisdiction_code(required=True)
    license_type = code("license_types", required=True)
    number = one_line(64, required=True)
    expires_on = calendar_date(required=True, metadata={"description": "Valid through this date"})


class TherapistWritableSchema(Schema):
    """Profile fields a therapist or their clinic admin can set."""

    display_name = one_line(120)
    pronouns = one_line(40, allow_none=True)
    credentials = one_line(120, allow_none=True)
    bio = fields.String(validate=validate.Length(max=5000))
    photo_url = fields.URL(schemes={"https"}, allow_none=True, validate=validate.Length(max=500))
    gender = code("genders", allow_none=True)
    timezone = TimeZone()
    accepting_new_clients = fields.Boolean()
    # admin only (with the insurance_plans facet)
    licenses = fields.List(fields.Nested(LicenseSchema), validate=validate.Length(max=60))
    currency = code("currencies")
    self_pay_rate_cents = Money()
    sliding_scale_min_cents = Money(allow_none=True)
    max_caseload = fields.Integer(strict=True, validate=validate.Range(min=1, max=500))
    risk_trained = fields.Boolean(metadata={"description": "Trained for clients at risk"})
    locale = MessageLocale()

    class Meta:
        include = {name: codes(facet.vocabulary) for name, facet in FACETS.items()}


class TherapistCreateSchema(TherapistWritableSchema):
    """A new therapist account with its profile (admin)."""

    email = email_address(required=True)
    peer_facilitator = fields.Boolean(
        load_default=False,
        metadata={
            "description": "A trained peer facilitator, not a licensed therapist: hosts peer "
            "support groups only and is not listed, matched or booked (default: false)"
        },
    )
    display_name = one_line(120, required=True)
    timezone = TimeZone(required=True)


class TherapistSchema(Schema):
    """A therapist's public directory entry."""

    id = fields.UUID()
    clinic_id = fields.UUID()
    display_name = fields.String()
    pronouns = fields.String(allow_none=True)
    credentials = fields.String(allow_none=True)
    bio = fields.String()
    photo_url = fields.String(allow_none=True)
    gender = fields.String(allow_none=True)
    timezone = fields.String()
    licenses = fields.List(fields.Nested(LicenseSchema))
    currency = fields.String()
    self_pay_rate_cents = fields.Integer()
    sliding_scale_min_cents = fields.Integer(allow_none=True)
    accepting_new_clients = fields.Boolean()
    risk_trained = fields.Boolean()
    peer_facilitator = fields.Boolean()

    class Meta:
        include = {name: fields.List(fields.String()) for name in FACETS}


class TherapistStaffSchema(TherapistSchema):
    """A therapist as their clinic sees them."""

    max_caseload = fields.Integer()
    locale = fields.String(metadata={"description": "The language of their emails and invites"})


class TherapistCreatedSchema(Schema):
    """A created therapist and the one-time token they use to set their password."""

    therapist = fields.Nested(TherapistStaffSchema)
    setup_token = fields.String()
    setup_token_expires_at = Instant()


class TherapistQuerySchema(Schema):
    """Directory filters and paging."""

    jurisdiction = jurisdiction_code(metadata={"description": "Licensed and unexpired there"})
    gender = code("genders")
    accepting_new_clients = fields.Boolean()
    page = fields.Integer(load_default=1, validate=validate.Range(min=1, max=10_000))
    page_size = fields.Integer(load_default=20, validate=validate.Range(min=1, max=100))

    class Meta:
        include = {facet.parameter: code(facet.vocabulary) for facet in FACETS.values()}


class TherapistPageSchema(Schema):
    """One page of therapists."""

    items = fields.List(fields.Nested(TherapistSchema))
    page = fields.Integer()
    page_size = fields.Integer()
    total = fields.Integer()


class ClientProfileSchema(Schema):
    """A client's own profile."""

    id = fields.UUID(dump_only=True)
    display_name = one_line(120)
    legal_name = one_line(
        200, allow_none=True, metadata={"description": "Only needed for insurance billing"}
    )
    date_of_birth = calendar_date(allow_none=True)
    age_group = code("age_groups", allow_none=True)
    jurisdiction = jurisdiction_code()
    timezone = TimeZone()
    locale = MessageLocale()


class MeSchema(Schema):
    """The caller's account with their profile."""

    user = fields.Nested(UserSchema)
    client_profile = fields.Nested(ClientProfileSchema, allow_none=True)
    therapist_profile = fields.Nested(TherapistStaffSchema, allow_none=True)


class AdminCreateSchema(Schema):
    """A new admin of the clinic."""

    email = email_address(required=True)


class StaffCreatedSchema(Schema):
    """A created staff account and its one-time setup token."""

    user = fields.Nested(UserSchema)
    setup_token = fields.String()
    setup_token_expires_at = Instant()


class VocabularyEntrySchema(Schema):
    """One allowed code and its label."""

    code = fields.String()
    label = fields.String()


class VocabulariesSchema(Schema):
    """Every controlled vocabulary."""

    jurisdictions = fields.List(fields.Nested(VocabularyEntrySchema))
    license_types = fields.List(fields.Nested(VocabularyEntrySchema))
    concerns = fields.List(fields.Nested(VocabularyEntrySchema))
    modalities = fields.List(fields.Nested(VocabularyEntrySchema))
    languages = fields.List(fields.Nested(VocabularyEntrySchema))
    genders = fields.List(fields.Nested(VocabularyEntrySchema))
    communities = fields.List(fields.Nested(VocabularyEntrySchema))
    age_groups = fields.List(fields.Nested(VocabularyEntrySchema))
    insurance_plans = fields.List(fields.Nested(VocabularyEntrySchema))
    formats = fields.List(fields.Nested(VocabularyEntrySchema))
    currencies = fields.List(fields.Nested(VocabularyEntrySchema))
