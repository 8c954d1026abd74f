"""Crisis lines by ISO 3166 code: local first, the country's own emergency number, no other."""

from __future__ import annotations

import json
import tomllib
from pathlib import Path

import pytest

from matching.intake.crisis import CrisisDirectory, shipped
from matching.intake.crisis_lines import CrisisResourcesError
from tests.unit.test_crisis_lines import valid

# Written out by hand, not read from the data file.
EMERGENCY = {"US": "911", "CA": "911", "GB": "999", "IE": "112", "AU": "000", "NZ": "111"}
# Numbers that belong to one place: shown anywhere else, they would send a person nowhere.
LOCAL_NUMBERS = {
    "988": {"US"},
    "9-8-8": {"CA"},
    "911": {"US", "CA"},
    "999": {"GB"},
    "112": {"IE"},
    "000": {"AU"},
    "111": {"NZ", "GB"},  # NZ's emergency number; NHS 111 in England, Wales and Scotland
    "116 123": {"GB", "IE"},  # Samaritans in both
}
GUIDANCE = (
    "If you are in immediate danger, call your local emergency number: 112 in the EU and many "
    "other countries, 911 in North America, 999 in the UK, 000 in Australia, 111 in New Zealand"
)


@pytest.fixture(scope="module")
def directory() -> CrisisDirectory:
    return CrisisDirectory.from_file(None)


def names(lines):
    return [line.name for line in lines]


def test_the_shipped_countries_are_the_ones_expected_here(directory):
    assert set(directory.countries) == set(EMERGENCY)


@pytest.mark.parametrize("country", sorted(EMERGENCY))
def test_every_country_and_subdivision_gets_its_own_lines_and_emergency_number(directory, country):
    entry = directory.countries[country]
    for code in [country, *entry.subdivisions]:
        lines = directory.resources_for(code)
        assert lines[-len(entry.lines) :] == list(entry.lines), code
        assert {line.country for line in lines} == {country}, code
        emergencies = [line.phone for line in lines if line.kind == "emergency"]
        assert emergencies == [EMERGENCY[country]], code
        for line in lines:
            owners = LOCAL_NUMBERS.get(line.phone or "", {country})
            assert country in owners, f"{code} is shown {line.phone} ({line.name})"
            assert "988" not in line.contact or country == "US", f"{code}: {line.contact}"


def test_a_subdivision_comes_first_and_says_so(directory):
    lines = directory.resources_for("GB-SCT")
    assert [(line.name, line.scope) for line in lines] == [
        ("NHS 24", "subdivision"),
        ("Breathing Space", "subdivision"),
        ("Samaritans", "country"),
        ("Shout", "country"),
        ("Emergency services", "country"),
    ]
    assert [line.subdivision for line in lines] == ["GB-SCT", "GB-SCT", None, None, None]
    assert names(directory.resources_for("GB-NIR"))[0] == "Lifeline"
    assert directory.resources_for("GB-NIR")[0].phone == "0808 808 8000"
    assert [line.note for line in directory.resources_for("GB-ENG")[:1]] == [
        "Choose the mental health option (option 2)"
    ]
    assert names(directory.resources_for("CA-QC"))[:2] == [
        "Quebec suicide prevention line (1 866 APPELLE)",
        "9-8-8 Suicide Crisis Helpline",
    ]


@pytest.mark.parametrize(
    ("code", "first", "contact"),
    [
        ("US-CA", "988 Suicide & Crisis Lifeline", "Call or text 988"),
        ("US", "988 Suicide & Crisis Lifeline", "Call or text 988"),
        ("CA-ON", "9-8-8 Suicide Crisis Helpline", "Call or text 9-8-8"),
        ("AU-NSW", "Lifeline", "Call 13 11 14 or text 0477 13 11 14"),
        ("AU-VIC", "Lifeline", "Call 13 11 14 or text 0477 13 11 14"),
        ("NZ", "1737, Need to talk?", "Call or text 1737"),
        ("IE", "Samaritans Ireland", "Call 116 123"),
        ("GB", "Samaritans", "Call 116 123"),
    ],
)
def test_a_subdivision_without_lines_of_its_own_gets_its_countrys(directory, code, first, contact):
    lines = directory.resources_for(code)
    assert (lines[0].name, lines[0].contact, lines[0].scope) == (first, contact, "country")


@pytest.mark.parametrize("code", ["DE", "JP", "BR-SP", "FR-IDF", "XX", ""])
def test_elsewhere_gets_the_international_lines_and_emergency_guidance(directory, code):
    lines = directory.resources_for(code)
    assert [(line.name, line.scope, line.country) for line in lines] == [
        ("Find A Helpline", "international", None),
        ("Befrienders Worldwide", "international", None),
        ("Emergency services", "international", None),
    ]
    assert lines[0].url == "https://findahelpline.com"
    assert (lines[-1].kind, lines[-1].phone, lines[-1].contact) == ("emergency", None, GUIDANCE)


def test_every_shipped_line_names_its_source_and_the_file_says_it_is_unconfirmed():
    data = shipped()
    assert data.verification.method == "compiled"
    assert "not re-checked online" in data.verification.note


def test_the_data_file_is_packaged():
    pyproject = tomllib.loads((Path(__file__).parents[2] / "pyproject.toml").read_text())
    package_data = pyproject["tool"]["setuptools"]["package-data"]
    assert "crisis_resources.json" in package_data["matching.intake"]


def override(tmp_path: Path, data: dict) -> str:
    path = tmp_path / "clinic.json"
    path.write_text(json.dumps(data))
    return str(path)


def test_an_override_replaces_the_lists_it_gives_and_keeps_the_rest(tmp_path):
    data = valid()  # GB lines replaced; GB-NIR replaced; international replaced
    del data["countries"]["GB"]["subdivisions"]["GB-NIR"]["lines"][0]["languages"]
    data["countries"]["GB"]["subdivisions"]["GB-NIR"]["lines"][0]["name"] = "Clinic's own line"
    directory = CrisisDirectory.from_file(override(tmp_path, data))
    assert names(directory.resources_for("GB-NIR")) == [
        "Clinic's own line",
        "Samaritans",
        "Emergency services",
    ]
    assert names(directory.resources_for("GB-SCT")) == [  # shipped Scotland, clinic's GB
        "NHS 24",
        "Breathing Space",
        "Samaritans",
        "Emergency services",
    ]
    assert names(directory.resources_for("DE")) == ["Find A Helpline", "Emergency services"]
    assert names(directory.resources_for("IE"))[0] == "Samaritans Ireland"  # untouched
    assert [origin for origin, _ in directory.verifications] == [
        "crisis_resources.json (shipped)",
        str(tmp_path / "clinic.json"),
    ]


def test_an_override_adds_a_country_or_a_subdivision(tmp_path):
    data = valid()
    del data["international"]
    germany = data["countries"].pop("GB")
    germany["lines"][0] |= {"name": "TelefonSeelsorge", "phone": "0800 111 0 111"}
    germany["lines"][1] |= {"phone": "112"}
    del germany["subdivisions"]
    new_york = {"lines": [{**germany["lines"][0], "name": "Clinic line", "phone": "555 0100"}]}
    data["countries"] = {"DE": germany, "US": {"subdivisions": {"US-NY": new_york}}}
    directory = CrisisDirectory.from_file(override(tmp_path, data))
    assert [(line.name, line.scope) for line in directory.resources_for("DE-BY")] == [
        ("TelefonSeelsorge", "country"),
        ("Emergency services", "country"),
    ]
    assert names(directory.resources_for("US-NY")) == [
        "Clinic line",
        "988 Suicide & Crisis Lifeline",
        "Crisis Text Line",
        "Emergency services",
    ]
    assert names(directory.resources_for("US-CA"))[0] == "988 Suicide & Crisis Lifeline"
    assert names(directory.resources_for("JP"))[0] == "Find A Helpline"  # shipped international


def test_a_country_without_an_emergency_number_is_refused(tmp_path):
    data = valid()
    data["countries"]["DE"] = {"lines": data["countries"]["GB"]["lines"][:1]}
    with pytest.raises(CrisisResourcesError, match="country DE needs its own lines with an emerg"):
        CrisisDirectory.from_file(override(tmp_path, data))
    del data["countries"]["DE"]
    data["countries"]["FR"] = {"subdivisions": data["countries"]["GB"].pop("subdivisions")}
    data["countries"]["FR"]["subdivisions"] = {
        "FR-IDF": data["countries"]["FR"]["subdivisions"]["GB-NIR"]
    }
    with pytest.raises(CrisisResourcesError, match="country FR needs its own lines"):
        CrisisDirectory.from_file(override(tmp_path, data))


def test_a_malformed_override_is_refused(tmp_path):
    data = valid()
    data["countries"]["GB"]["lines"][0]["checked_on"] = "yesterday"
    with pytest.raises(CrisisResourcesError, match=r"countries\.GB\.lines\[0\]\.checked_on"):
        CrisisDirectory.from_file(override(tmp_path, data))
