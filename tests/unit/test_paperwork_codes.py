"""CPT codes by session length and kind, place of service, ICD-10-CM validation."""

from __future__ import annotations

import pytest

from billing.paperwork.codes import (
    CodingError,
    ServiceKind,
    describe,
    normalize_diagnoses,
    normalize_diagnosis,
    place_of_service,
    psychotherapy_code,
)


@pytest.mark.parametrize(
    ("minutes", "code"),
    [
        (1, None),
        (15, None),
        (16, "90832"),
        (30, "90832"),
        (37, "90832"),
        (38, "90834"),
        (45, "90834"),
        (52, "90834"),
        (53, "90837"),
        (60, "90837"),
        (90, "90837"),
    ],
)
def test_individual_psychotherapy_is_coded_by_time(minutes, code):
    assert psychotherapy_code(minutes) == code


@pytest.mark.parametrize("minutes", [15, 16, 50, 60])
def test_the_first_assessment_is_the_diagnostic_evaluation_whatever_its_length(minutes):
    assert psychotherapy_code(minutes, first_assessment=True) == "90791"


def test_family_sessions_have_their_own_codes_even_when_first():
    assert psychotherapy_code(50, kind=ServiceKind.FAMILY_WITHOUT_CLIENT) == "90846"
    assert psychotherapy_code(50, kind=ServiceKind.FAMILY_WITH_CLIENT) == "90847"
    assert (
        psychotherapy_code(50, kind=ServiceKind.FAMILY_WITH_CLIENT, first_assessment=True)
        == "90847"
    )


def test_family_codes_need_more_than_half_of_their_fifty_minutes():
    assert psychotherapy_code(25, kind=ServiceKind.FAMILY_WITH_CLIENT) is None
    assert psychotherapy_code(26, kind=ServiceKind.FAMILY_WITH_CLIENT) == "90847"
    assert psychotherapy_code(25, kind=ServiceKind.FAMILY_WITHOUT_CLIENT) is None
    assert psychotherapy_code(26, kind=ServiceKind.FAMILY_WITHOUT_CLIENT) == "90846"


def test_a_session_too_short_says_so():
    assert "no psychotherapy code" in describe(None)
    assert describe("90834") == "Psychotherapy, 45 minutes with patient"


def test_place_of_service_is_the_patients_home_with_modifier_95_for_video():
    assert place_of_service("video") == place_of_service("video", patient_at_home=True)
    home = place_of_service("video")
    assert (home.code, home.modifier) == ("10", "95")
    elsewhere = place_of_service("video", patient_at_home=False)
    assert (elsewhere.code, elsewhere.modifier) == ("02", "95")
    phone = place_of_service("phone")
    assert (phone.code, phone.modifier) == ("10", "93")


@pytest.mark.parametrize(
    ("given", "normalized"),
    [
        ("F41.1", "F41.1"),
        ("f41.1", "F41.1"),
        (" F32.A ", "F32.A"),
        ("Z63.0", "Z63.0"),
        ("F419", "F41.9"),
        ("F43.10", "F43.10"),
        ("F32", "F32"),
        ("S06.0X1A", "S06.0X1A"),
        ("F1x.1", "F1X.1"),
    ],
)
def test_diagnosis_codes_are_normalized(given, normalized):
    assert normalize_diagnosis(given) == normalized


@pytest.mark.parametrize(
    "given",
    [
        "",
        "F4",
        "41.1",
        "FF1.1",
        "F41.",
        "F41.12345",
        "F41-1",
        "F41.1;DROP",
        "F41.1\nF32",
        "\u0046\u0664\u0661",
    ],
)
def test_malformed_diagnosis_codes_are_refused(given):
    with pytest.raises(CodingError, match="not an ICD-10-CM code"):
        normalize_diagnosis(given)


def test_a_list_is_deduplicated_in_order_and_bounded():
    assert normalize_diagnoses(["f41.1", "F32.A", "F41.1"]) == ["F41.1", "F32.A"]
    twelve = [f"F{n:02d}.1" for n in range(10, 22)]
    assert normalize_diagnoses(twelve) == twelve
    with pytest.raises(CodingError, match="At most 12"):
        normalize_diagnoses([*twelve, "F99"])
    with pytest.raises(CodingError, match="at least one"):
        normalize_diagnoses([])
