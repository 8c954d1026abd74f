"""Schemas of intakes and matches."""

from __future__ import annotations

from typing import Any, get_args

from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from app.vocabularies import WEEKDAYS
from app.web.fields import TimeZone, code, codes, jurisdiction_code, trimmed
from matching.intake.crisis_lines import Kind, Scope
from scheduling.schemas import WallClock, instant


def answers(items: int, label: str) -> fields.List[int]:
    """A questionnaire's answers: exactly `items` integers from 0 to 3."""
    return fields.List(
        fields.Integer(strict=True, validate=validate.Range(min=0, max=3)),
        required=True,
        validate=validate.Length(equal=items, error=f"{label} needs exactly {items} answers."),
    )


class PreferencesSchema(Schema):
    """What the client would like; languages and format are requirements, the rest wishes."""

    languages = codes(
        "languages",
        max_items=5,
        dump_default=list,
        metadata={
            "description": "Languages you can have sessions in (required: at least one must match)"
        },
    )
    gender = code("genders", allow_none=True, dump_default=None)
    modalities = codes("modalities", max_items=8, dump_default=list)
    communities = codes("communities", max_items=5, dump_default=list)
    faith_based = fields.Boolean(allow_none=True, load_default=None, dump_default=None)
    format = code("formats", allow_none=True, load_default=None, dump_default=None)


class IntakePaymentSchema(Schema):
    """Insurance, or self-pay with a budget per session."""

    method = fields.String(required=True, validate=validate.OneOf(["insurance", "self_pay"]))
    insurance_plan = code("insurance_plans", allow_none=True, load_default=None)
    max_per_session_cents = fields.Integer(
        strict=True,
        allow_none=True,
        load_default=None,
        validate=validate.Range(min=0, max=10_000_000),
    )

    @validates_schema
    def _consistent(self, data: dict[str, Any], **_: object) -> None:
        if data["method"] == "insurance" and not data.get("insurance_plan"):
            raise ValidationError("Required with method insurance.", "insurance_plan")
        if data["method"] == "self_pay" and data.get("max_per_session_cents") is None:
            raise ValidationError("Required with method self_pay.", "max_per_session_cents")


class PreferredTimeSchema(Schema):
    """A weekly window in the client's own time zone."""

    weekday = fields.String(required=True, validate=validate.OneOf(WEEKDAYS))
    start_minute = WallClock(required=True, data_key="start")
    end_minute = WallClock(required=True, data_key="end")

    @validates_schema
    def _ordered(self, data: dict[str, Any], **_: object) -> None:
        if data["start_minute"] >= data["end_minute"]:
            raise ValidationError("Must end after it starts.", "end")


class IntakeSchema(Schema):
    """A client's intake."""

    id = fields.UUID(dump_only=True)
    created_at = instant(dump_only=True)
    jurisdiction = jurisdiction_code(
        load_default=None,
        metadata={"description": "Where you are now (defaults to your profile)"},
    )
    timezone = TimeZone(load_default=None)
    concerns = codes("concerns", max_items=10, required=True)
    free_text = trimmed(
        4000,
        min_length=0,
        load_default=None,
        allow_none=True,
        metadata={"description": "Stored encrypted"},
    )
    phq9 = answers(9, "PHQ-9")
    gad7 = answers(7, "GAD-7")
    reports_risk = fields.Boolean(
        load_default=False,
        metadata={"description": "I am thinking about harming myself or have a plan"},
    )
    preferences = fields.Nested(PreferencesSchema, load_default=dict)
    payment = fields.Nested(IntakePaymentSchema, required=True)
    preferred_times = fields.List(
        fields.Nested(PreferredTimeSchema), load_default=list, validate=validate.Length(max=21)
    )


class ResourceSchema(Schema):
    """A crisis line or emergency number, and which entry of the directory it comes from."""

    name = fields.String()
    contact = fields.String(
        metadata={"description": "How to reach it, in one line: 'Call or text 988'"}
    )
    url = fields.String(allow_none=True, metadata={"description": "Its web page, if any"})
    kind = fields.String(validate=validate.OneOf(get_args(Kind)))
    phone = fields.String(
        allow_none=True,
        metadata={"description": "As published ('116 123', '9-8-8'); drop the separators to dial"},
    )
    text = fields.String(
        allow_none=True, metadata={"description": "How to text it: 'Text SHOUT to 85258'"}
    )
    hours = fields.String(allow_none=True, metadata={"examples": ["24/7"]})
    languages = fields.List(
        fields.String(), metadata={"description": "ISO 639-1 codes, when notable (else empty)"}
    )
    note = fields.String(allow_none=True)
    scope = fields.String(
        validate=validate.OneOf(get_args(Scope)),
        metadata={
            "description": "Where the line comes from: the client's subdivision, their country, "
            "or international (no lines are on file for where the client is)"
        },
    )
    country = fields.String(allow_none=True, metadata={"description": "ISO 3166-1 alpha-2"})
    subdivision = fields.String(allow_none=True, metadata={"description": "ISO 3166-2"})
    source = fields.String(
        metadata={"description": "Where the organisation publishes these details"}
    )
    checked_on = fields.Date(
        metadata={"description": "When these details were last compared with the source"}
    )


class IntakeViewSchema(Schema):
    """An intake with its scores, flags, and help when at risk."""

    id = fields.UUID(attribute="intake.id")
    created_at = instant(attribute="intake.created_at")
    jurisdiction = fields.String(attribute="intake.jurisdiction")
    timezone = fields.String(attribute="intake.timezone")
    concerns = fields.List(fields.String(), attribute="intake.concerns")
    free_text = fields.String(allow_none=True)
    phq9_score = fields.Integer(attribute="intake.phq9_score")
    phq9_band = fields.String(attribute="intake.phq9_band")
    gad7_score = fields.Integer(attribute="intake.gad7_score")
    gad7_band = fields.String(attribute="intake.gad7_band")
    high_risk = fields.Boolean(attribute="intake.high_risk")
    higher_level_of_care = fields.Boolean(attribute="intake.higher_level_of_care")
    crisis_resources = fields.List(fields.Nested(ResourceSchema), allow_none=True)
    preferences = fields.Nested(PreferencesSchema, attribute="intake.preferences")
    payment = fields.Nested(IntakePaymentSchema, attribute="intake.payment")
    preferred_times = fields.List(
        fields.Nested(PreferredTimeSchema), attribute="intake.preferred_times"
    )
