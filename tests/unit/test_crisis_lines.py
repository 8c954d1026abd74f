"""The crisis resources file reader: each malformation is refused with a message saying where."""

from __future__ import annotations

import copy
import json
from datetime import date

import pytest

from matching.intake.crisis import read_file
from matching.intake.crisis_lines import CrisisResourcesError, contact_of, parse


def valid() -> dict:
    """A small well-formed file: one country with one subdivision, and the international part."""
    return {
        "format": 1,
        "verification": {"method": "checked", "note": "Checked by the clinic on 2026-11-20."},
        "international": {
            "lines": [
                {
                    "name": "Find A Helpline",
                    "kind": "directory",
                    "url": "https://findahelpline.com",
                    "source": "https://findahelpline.com",
                    "checked_on": "2026-11-20",
                }
            ],
            "emergency_guidance": {
                "name": "Emergency services",
                "guidance": "Call your local emergency number",
                "source": "https://digital-strategy.ec.europa.eu/en/policies/112",
                "checked_on": "2026-11-20",
            },
        },
        "countries": {
            "GB": {
                "lines": [
                    {
                        "name": "Samaritans",
                        "kind": "crisis_line",
                        "phone": "116 123",
                        "hours": "24/7",
                        "source": "https://www.samaritans.org",
                        "checked_on": "2026-11-20",
                    },
                    {
                        "name": "Emergency services",
                        "kind": "emergency",
                        "phone": "999",
                        "source": "https://www.nhs.uk",
                        "checked_on": "2026-11-20",
                    },
                ],
                "subdivisions": {
                    "GB-NIR": {
                        "lines": [
                            {
                                "name": "Lifeline",
                                "kind": "crisis_line",
                                "phone": "0808 808 8000",
                                "languages": ["en", "ga"],
                                "source": "https://www.lifelinehelpline.info",
                                "checked_on": "2026-11-20",
                            }
                        ]
                    }
                },
            }
        },
    }


def test_a_valid_file_becomes_typed_lines_that_know_their_scope():
    parsed = parse(valid(), "test.json")
    assert parsed.verification.method == "checked"
    samaritans, emergency = parsed.countries["GB"].lines or ()
    assert (samaritans.phone, samaritans.text, samaritans.url) == ("116 123", None, None)
    assert (samaritans.contact, samaritans.hours) == ("Call 116 123", "24/7")
    assert samaritans.checked_on == date(2026, 11, 20)
    assert (samaritans.scope, samaritans.country, samaritans.subdivision) == ("country", "GB", None)
    assert emergency.contact == "Call 999 if you are in immediate danger"
    (lifeline,) = parsed.countries["GB"].subdivisions["GB-NIR"]
    assert (lifeline.scope, lifeline.country, lifeline.subdivision) == (
        "subdivision",
        "GB",
        "GB-NIR",
    )
    assert lifeline.languages == ("en", "ga")
    directory, guidance = parsed.international or ()
    assert (directory.scope, directory.country, directory.contact) == (
        "international",
        None,
        "Visit https://findahelpline.com",
    )
    assert (guidance.kind, guidance.contact, guidance.phone) == (
        "emergency",
        "Call your local emergency number",
        None,
    )


def test_lines_are_frozen():
    line = parse(valid(), "test.json").international[0]
    with pytest.raises(AttributeError):
        line.name = "Something else"


GB = ("countries", "GB")
SAMARITANS = (*GB, "lines", 0)


def change(path: tuple, key: str, value: object = None, *, delete: bool = False) -> dict:
    data = copy.deepcopy(valid())
    target = data
    for step in path:
        target = target[step]
    if delete:
        del target[key]
    else:
        target[key] = value
    return data


def emergency_without_phone() -> dict:
    data = change((*GB, "lines", 1), "phone", None)
    data["countries"]["GB"]["lines"][1]["url"] = "https://www.nhs.uk"
    return data


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (change(SAMARITANS, "fone", "116 123"), "countries.GB.lines[0]: unknown key(s) 'fone'"),
        (change((), "extra", 1), "the file: unknown key(s) 'extra'"),
        (change(SAMARITANS, "source", delete=True), "countries.GB.lines[0]: missing 'source'"),
        (
            change(SAMARITANS, "checked_on", delete=True),
            "countries.GB.lines[0]: missing 'checked_on'",
        ),
        (change(SAMARITANS, "checked_on", "2026-13-01"), "must be a date as YYYY-MM-DD"),
        (change(SAMARITANS, "checked_on", "20261120"), "must be a date as YYYY-MM-DD"),
        (change(SAMARITANS, "checked_on", "last week"), "must be a date as YYYY-MM-DD"),
        (change(SAMARITANS, "phone", None), "needs at least one of 'phone', 'text' or 'url'"),
        (change(SAMARITANS, "kind", "hotline"), "kind: must be one of crisis_line, emergency"),
        (change(SAMARITANS, "name", ""), "countries.GB.lines[0].name: must be a non-empty string"),
        (change(SAMARITANS, "source", "http://samaritans.org"), "must be an https:// URL"),
        (change(SAMARITANS, "url", "samaritans.org"), "url: must be an https:// URL"),
        (change(SAMARITANS, "text", "SHOUT to 85258"), "text: must read 'Text ...'"),
        (change(SAMARITANS, "languages", ["english"]), "unknown ISO 639-1 code 'english'"),
        (change(SAMARITANS, "languages", "en"), "must be a list of language codes"),
        (emergency_without_phone(), "countries.GB.lines[1]: an emergency line needs a 'phone'"),
        (change(("countries",), "UK", {}), "unknown ISO 3166-1 alpha-2 country code 'UK'"),
        (change(("countries",), "XX", {}), "unknown ISO 3166-1 alpha-2 country code 'XX'"),
        (change(("countries",), "gb", {}), "unknown ISO 3166-1 alpha-2 country code 'gb'"),
        (
            change((*GB, "subdivisions"), "GB-XYZ", {"lines": []}),
            "unknown ISO 3166-2 subdivision of GB: 'GB-XYZ'",
        ),
        (
            change((*GB, "subdivisions"), "US-CA", {"lines": []}),
            "unknown ISO 3166-2 subdivision of GB: 'US-CA'",
        ),
        (change(GB, "lines", []), "countries.GB.lines: must be a non-empty list"),
        (change(("countries",), "IE", {}), "countries.IE: needs 'lines' or 'subdivisions'"),
        (change((), "format", 2), "format: must be 1"),
        (change(("verification",), "method", "guessed"), "must be one of compiled, checked"),
        (change((), "verification", delete=True), "the file: missing 'verification'"),
        (
            change(("international",), "emergency_guidance", delete=True),
            "international: missing 'emergency_guidance'",
        ),
        ([], "the file: must be an object"),
    ],
)
def test_malformed_files_are_refused_with_where_and_why(data, message):
    with pytest.raises(CrisisResourcesError) as refused:
        parse(data, "clinic.json")
    assert str(refused.value).startswith("crisis resources clinic.json: ")
    assert message in str(refused.value)


def test_unreadable_files_are_refused(tmp_path):
    broken = tmp_path / "broken.json"
    broken.write_text('{"format": 1,')
    with pytest.raises(CrisisResourcesError, match=r"broken\.json: cannot be read"):
        read_file(broken)
    with pytest.raises(CrisisResourcesError, match="cannot be read"):
        read_file(tmp_path / "missing.json")
    twice = tmp_path / "twice.json"
    twice.write_text('{"format": 1, "countries": {"GB": {}, "IE": {}, "GB": {}}}')
    with pytest.raises(CrisisResourcesError, match="cannot be read: repeated key\\(s\\) 'GB'"):
        read_file(twice)


def test_a_file_on_disk_is_read(tmp_path):
    path = tmp_path / "clinic.json"
    path.write_text(json.dumps(valid()))
    assert read_file(path).origin == str(path)


@pytest.mark.parametrize(
    ("kind", "phone", "text", "url", "contact"),
    [
        ("crisis_line", "988", "Text 988", "https://988lifeline.org", "Call or text 988"),
        ("crisis_line", "9-8-8", "Text 9-8-8", None, "Call or text 9-8-8"),
        (
            "crisis_line",
            "13 11 14",
            "Text 0477 13 11 14",
            None,
            "Call 13 11 14 or text 0477 13 11 14",
        ),
        ("crisis_line", None, "Text SHOUT to 85258", None, "Text SHOUT to 85258"),
        ("crisis_line", "116 123", None, None, "Call 116 123"),
        ("emergency", "000", None, None, "Call 000 if you are in immediate danger"),
        ("directory", None, None, "https://findahelpline.com", "Visit https://findahelpline.com"),
    ],
)
def test_the_contact_line(kind, phone, text, url, contact):
    assert contact_of(kind, phone, text, url) == contact
