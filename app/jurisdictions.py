"""Where a client is and where a therapist is licensed: ISO 3166-2 codes and one licensing rule.

A jurisdiction is a subdivision where licensing or crisis lines differ by subdivision (US states,
Canadian provinces and territories, Australian states and territories, the UK's nations), or a
whole country (ISO 3166-1 alpha-2) elsewhere. Australia and the United Kingdom register
practitioners nationally, so their country codes are jurisdictions too: a license for `AU` covers
`AU-NSW`. The United States and Canada license by state and province only.
"""

from __future__ import annotations

import re
from types import MappingProxyType
from typing import Final

import pycountry

# Countries whose clients and licenses are placed in one of these subdivision types.
SUBDIVIDED: Final = MappingProxyType(
    {
        "US": frozenset({"State", "District", "Outlying area"}),
        "CA": frozenset({"Province", "Territory"}),
        "AU": frozenset({"State", "Territory"}),
        "GB": frozenset({"Country", "Province"}),  # England, Scotland, Wales; Northern Ireland
    }
)
# Subdivided countries that also register practitioners nationally (AHPRA; HCPC/BACP/UKCP).
NATIONAL_REGISTRATION: Final = frozenset({"AU", "GB"})
# US outlying areas with a code of their own in ISO 3166-1: named once, as the US subdivision.
_US_AREAS = frozenset({"AS", "GU", "MP", "PR", "UM", "VI"})


def _subdivisions(country: str) -> list[tuple[str, str]]:
    # pycountry's Subdivisions.get is not annotated.
    found = pycountry.subdivisions.get(country_code=country)  # type: ignore[no-untyped-call]
    return sorted(
        (sub.code, re.sub(r"\s*\[.*\]$", "", sub.name))  # "Wales [Cymru GB-CYM]" -> "Wales"
        for sub in found
        if sub.type in SUBDIVIDED[country] and sub.code != "US-UM"
    )


# The US codes the API used before ISO 3166-2 (`CA` was California): accepted, as US-CA, until
# version 2 of the API.
LEGACY_US_CODES: Final = frozenset(
    code.removeprefix("US-")
    for code, _ in _subdivisions("US")
    if code.removeprefix("US-") not in _US_AREAS
)


def _country_codes() -> list[tuple[str, str]]:
    """Whole countries: not subdivided (unless registering nationally), not a legacy US code."""
    return sorted(
        (country.alpha_2, getattr(country, "common_name", country.name))
        for country in pycountry.countries
        if country.alpha_2 not in _US_AREAS
        and (country.alpha_2 not in SUBDIVIDED or country.alpha_2 in NATIONAL_REGISTRATION)
        # Albania's AL is Alabama until the legacy codes retire: a code never means two places.
        and country.alpha_2 not in LEGACY_US_CODES
    )


def _labelled() -> dict[str, str]:
    countries = dict(_country_codes())
    names = {c.alpha_2: getattr(c, "common_name", c.name) for c in pycountry.countries}
    subdivisions = {
        code: f"{name}, {names[country]}"
        for country in SUBDIVIDED
        for code, name in _subdivisions(country)
    }
    return dict(sorted({**countries, **subdivisions}.items()))


JURISDICTIONS: Final = MappingProxyType(_labelled())


def country_of(jurisdiction: str) -> str:
    """The ISO 3166-1 country of a jurisdiction code (`CA-ON` -> `CA`, `IE` -> `IE`)."""
    return jurisdiction.partition("-")[0]


def from_legacy(code: str) -> str:
    """The ISO 3166-2 code for a code as the API used to spell it (`CA` -> `US-CA`)."""
    return f"US-{code}" if code in LEGACY_US_CODES else code


def is_legacy(code: str) -> bool:
    """True for a pre-ISO US state code that is still accepted (and deprecated)."""
    return code in LEGACY_US_CODES


def license_scopes(located_in: str) -> tuple[str, ...]:
    """The license jurisdictions that allow care of a client located there."""
    country = country_of(located_in)
    if country != located_in and country in NATIONAL_REGISTRATION:
        return (located_in, country)
    return (located_in,)


def license_covers(licensed_in: str, located_in: str) -> bool:
    """True when a license there allows care of a client located here."""
    return licensed_in in license_scopes(located_in)


def place_name(jurisdiction: str) -> str:
    """A jurisdiction for people: `California, United States (US-CA)`."""
    name = JURISDICTIONS.get(jurisdiction)
    return f"{name} ({jurisdiction})" if name else jurisdiction
