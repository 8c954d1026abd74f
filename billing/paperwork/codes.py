"""Pure coding rules: CPT psychotherapy codes by time, place of service, ICD-10-CM diagnoses."""

from __future__ import annotations

import enum
import re
from dataclasses import dataclass


class ServiceKind(enum.StrEnum):
    """Who the session was with, which decides the CPT family of codes."""

    INDIVIDUAL = "individual"
    FAMILY_WITHOUT_CLIENT = "family_without_client"
    FAMILY_WITH_CLIENT = "family_with_client"


DIAGNOSTIC_EVALUATION = "90791"  # psychiatric diagnostic evaluation (the first assessment)
FAMILY_WITHOUT_PATIENT = "90846"
FAMILY_WITH_PATIENT = "90847"

# Time-based individual psychotherapy (CPT midpoint rule): (first minute, code).
PSYCHOTHERAPY_BY_MINUTES: tuple[tuple[int, str], ...] = (
    (53, "90837"),  # 60 minutes
    (38, "90834"),  # 45 minutes
    (16, "90832"),  # 30 minutes
)
MIN_PSYCHOTHERAPY_MINUTES = 16
# 90846/90847 are 50-minute codes: billable once more than half (26 minutes) has passed.
MIN_FAMILY_MINUTES = 26

CODE_DESCRIPTIONS = {
    DIAGNOSTIC_EVALUATION: "Psychiatric diagnostic evaluation",
    "90832": "Psychotherapy, 30 minutes with patient",
    "90834": "Psychotherapy, 45 minutes with patient",
    "90837": "Psychotherapy, 60 minutes with patient",
    FAMILY_WITHOUT_PATIENT: "Family psychotherapy without the patient present",
    FAMILY_WITH_PATIENT: "Family psychotherapy with the patient present",
}

POS_PATIENT_HOME = "10"  # telehealth provided in the patient's home
POS_TELEHEALTH_ELSEWHERE = "02"  # telehealth provided other than in the patient's home
MODIFIER_SYNCHRONOUS_VIDEO = "95"  # synchronous audio-video telehealth
MODIFIER_AUDIO_ONLY = "93"  # synchronous audio-only telehealth

MAX_DIAGNOSES = 12
# Letter, digit, letter or digit; then optionally a dot and 1-4 letters or digits (F41.1, F32.A).
_ICD10 = re.compile(r"([A-Z][0-9][0-9A-Z])(?:\.?([0-9A-Z]{1,4}))?")


class CodingError(ValueError):
    """A diagnosis code or list breaks the coding rules (the message says which)."""


def psychotherapy_code(
    minutes: int, *, kind: ServiceKind = ServiceKind.INDIVIDUAL, first_assessment: bool = False
) -> str | None:
    """The CPT code of a session, or None when it is too short to bill.

    The client's first session with a therapist is the diagnostic evaluation (90791, untimed);
    afterwards individual psychotherapy is coded by time: 16-37 minutes 90832, 38-52 90834,
    53 and more 90837, under 16 no psychotherapy code at all. Family sessions are 90846
    (without the client) and 90847 (with the client), from 26 minutes.
    """
    if kind is ServiceKind.FAMILY_WITHOUT_CLIENT:
        return FAMILY_WITHOUT_PATIENT if minutes >= MIN_FAMILY_MINUTES else None
    if kind is ServiceKind.FAMILY_WITH_CLIENT:
        return FAMILY_WITH_PATIENT if minutes >= MIN_FAMILY_MINUTES else None
    if first_assessment:
        return DIAGNOSTIC_EVALUATION
    for first_minute, code in PSYCHOTHERAPY_BY_MINUTES:
        if minutes >= first_minute:
            return code
    return None


def describe(code: str | None) -> str:
    """What a CPT code stands for, in words."""
    if code is None:
        return f"Under {MIN_PSYCHOTHERAPY_MINUTES} minutes: no psychotherapy code applies"
    return CODE_DESCRIPTIONS.get(code, code)


@dataclass(frozen=True)
class PlaceOfService:
    """A claim's place-of-service code and the CPT modifier that goes with it."""

    code: str
    modifier: str | None


def place_of_service(session_format: str, *, patient_at_home: bool = True) -> PlaceOfService:
    """Telehealth in the patient's home (10) unless told otherwise (02); modifier 95 for video.

    An audio-only session (phone) carries modifier 93 instead.
    """
    code = POS_PATIENT_HOME if patient_at_home else POS_TELEHEALTH_ELSEWHERE
    modifier = MODIFIER_AUDIO_ONLY if session_format == "phone" else MODIFIER_SYNCHRONOUS_VIDEO
    return PlaceOfService(code, modifier)


def normalize_diagnosis(code: str) -> str:
    """An ICD-10-CM code in upper case with its dot (`f411` -> `F41.1`), or CodingError."""
    text = code.strip().upper()
    match = _ICD10.fullmatch(text)
    if match is None:
        raise CodingError(
            f"{code!r} is not an ICD-10-CM code: expected a letter, a digit, a letter or digit, "
            "then optionally a dot and 1-4 letters or digits (e.g. F41.1, F32.A, Z63.0)."
        )
    category, detail = match.groups()
    return f"{category}.{detail}" if detail else category


def normalize_diagnoses(codes: list[str]) -> list[str]:
    """1-12 distinct ICD-10-CM codes, normalized, in the order given (primary first)."""
    normalized: list[str] = []
    for code in codes:
        value = normalize_diagnosis(code)
        if value not in normalized:
            normalized.append(value)
    if not normalized:
        raise CodingError("Give at least one ICD-10-CM diagnosis code.")
    if len(normalized) > MAX_DIAGNOSES:
        raise CodingError(f"At most {MAX_DIAGNOSES} diagnosis codes per session.")
    return normalized
