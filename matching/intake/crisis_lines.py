"""The crisis resources file: its typed model and a strict reader (refuses anything unexpected).

A file holds `format` (1), `verification` (`method`: `compiled` or `checked`, and a `note`),
`international` (directory `lines` and the `emergency_guidance` shown where no country entry
exists) and `countries`: ISO 3166-1 alpha-2 codes, each with its `lines` and, where lines differ,
`subdivisions` keyed by ISO 3166-2 code, each with its own `lines`. A line has a `name`, a `kind`,
at least one of `phone`, `text` and `url`, optional `hours`, `languages` (ISO 639-1) and `note`,
and always the `source` (the organisation's own page) and the `checked_on` date.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any, Literal, cast, get_args

import pycountry

Kind = Literal["crisis_line", "emergency", "directory"]
Scope = Literal["subdivision", "country", "international"]
Method = Literal["compiled", "checked"]
FORMAT = 1
_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_TOP = "the file"
_COUNTRY = re.compile(r"[A-Z]{2}")
_SUBDIVISION = re.compile(r"([A-Z]{2})-[A-Z0-9]{1,3}")


class CrisisResourcesError(ValueError):
    """A crisis resources file that cannot be used as it is."""


@dataclass(frozen=True)
class CrisisLine:
    """One way to reach help, and where it applies (`scope`: which entry it comes from)."""

    name: str
    kind: Kind
    contact: str
    phone: str | None
    text: str | None
    url: str | None
    hours: str | None
    languages: tuple[str, ...]
    note: str | None
    source: str
    checked_on: date
    scope: Scope
    country: str | None
    subdivision: str | None


@dataclass(frozen=True)
class Verification:
    """How a file's details were obtained: `compiled` (not confirmed) or `checked`."""

    method: Method
    note: str


@dataclass(frozen=True)
class CountryEntry:
    """A country's lines (None: not given in this file) and its subdivisions' lines."""

    lines: tuple[CrisisLine, ...] | None
    subdivisions: Mapping[str, tuple[CrisisLine, ...]]


@dataclass(frozen=True)
class CrisisFile:
    """One parsed file: the shipped one, or an operator's override."""

    origin: str
    verification: Verification
    international: tuple[CrisisLine, ...] | None
    countries: Mapping[str, CountryEntry]


def contact_of(kind: Kind, phone: str | None, text: str | None, url: str | None) -> str:
    """A one-line way to reach a line: "Call or text 988", "Call 13 11 14 or text 0477 13 11 14"."""
    if kind == "emergency" and phone:
        return f"Call {phone} if you are in immediate danger"
    if phone and text:
        if text == f"Text {phone}":
            return f"Call or text {phone}"
        return f"Call {phone} or t{text[1:]}"
    if phone:
        return f"Call {phone}"
    return text or f"Visit {url}"


class _Object:
    """A JSON object read key by key; what is left unread at the end is an unknown key."""

    def __init__(self, value: object, where: str) -> None:
        if not isinstance(value, dict):
            raise CrisisResourcesError(f"{where}: must be an object")
        self.values: dict[str, Any] = dict(value)
        self.where = where

    def at(self, key: str) -> str:
        return f"{self.where}.{key}" if self.where != _TOP else key

    def take(self, key: str, required: bool = True) -> Any:
        if key not in self.values:
            if required:
                raise CrisisResourcesError(f"{self.where}: missing {key!r}")
            return None
        return self.values.pop(key)

    def string(self, key: str, required: bool = True) -> str | None:
        value = self.take(key, required)
        if value is None and not required:
            return None
        if not isinstance(value, str) or not value.strip():
            raise CrisisResourcesError(f"{self.at(key)}: must be a non-empty string")
        return value

    def link(self, key: str, required: bool = True) -> str | None:
        value = self.string(key, required)
        if value is not None and not value.startswith("https://"):
            raise CrisisResourcesError(f"{self.at(key)}: must be an https:// URL, not {value!r}")
        return value

    def day(self, key: str) -> date:
        value = self.string(key)
        try:
            if value is None or not _DATE.fullmatch(value):
                raise ValueError
            return date.fromisoformat(value)
        except ValueError:
            raise CrisisResourcesError(
                f"{self.at(key)}: must be a date as YYYY-MM-DD, not {value!r}"
            ) from None

    def done(self) -> None:
        if self.values:
            unknown = ", ".join(repr(k) for k in sorted(self.values))
            raise CrisisResourcesError(f"{self.where}: unknown key(s) {unknown}")


def _choice(obj: _Object, key: str, allowed: tuple[str, ...]) -> str:
    value = obj.take(key)
    if value not in allowed:
        raise CrisisResourcesError(f"{obj.at(key)}: must be one of {', '.join(allowed)}")
    return cast(str, value)


def _languages(obj: _Object) -> tuple[str, ...]:
    value = obj.take("languages", required=False) or []
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise CrisisResourcesError(f"{obj.at('languages')}: must be a list of language codes")
    for code in value:
        if len(code) != 2 or pycountry.languages.get(alpha_2=code) is None:
            raise CrisisResourcesError(f"{obj.at('languages')}: unknown ISO 639-1 code {code!r}")
    return tuple(value)


def _line(
    value: object, where: str, scope: Scope, country: str | None, sub: str | None
) -> CrisisLine:
    obj = _Object(value, where)
    kind = cast(Kind, _choice(obj, "kind", get_args(Kind)))
    phone, text, url = obj.string("phone", False), obj.string("text", False), obj.link("url", False)
    if not (phone or text or url):
        raise CrisisResourcesError(f"{where}: needs at least one of 'phone', 'text' or 'url'")
    if kind == "emergency" and not phone:
        raise CrisisResourcesError(f"{where}: an emergency line needs a 'phone'")
    if text is not None and not text.startswith("Text "):
        raise CrisisResourcesError(f"{obj.at('text')}: must read 'Text ...', not {text!r}")
    line = CrisisLine(
        name=cast(str, obj.string("name")),
        kind=kind,
        contact=contact_of(kind, phone, text, url),
        phone=phone,
        text=text,
        url=url,
        hours=obj.string("hours", False),
        languages=_languages(obj),
        note=obj.string("note", False),
        source=cast(str, obj.link("source")),
        checked_on=obj.day("checked_on"),
        scope=scope,
        country=country,
        subdivision=sub,
    )
    obj.done()
    return line


def _lines(
    obj: _Object, scope: Scope, country: str | None = None, sub: str | None = None
) -> tuple[CrisisLine, ...]:
    value = obj.take("lines")
    if not isinstance(value, list) or not value:
        raise CrisisResourcesError(f"{obj.at('lines')}: must be a non-empty list")
    return tuple(
        _line(v, f"{obj.at('lines')}[{i}]", scope, country, sub) for i, v in enumerate(value)
    )


def _guidance(value: object, where: str) -> CrisisLine:
    obj = _Object(value, where)
    line = CrisisLine(
        name=cast(str, obj.string("name")),
        kind="emergency",
        contact=cast(str, obj.string("guidance")),
        phone=None,
        text=None,
        url=None,
        hours=None,
        languages=(),
        note=None,
        source=cast(str, obj.link("source")),
        checked_on=obj.day("checked_on"),
        scope="international",
        country=None,
        subdivision=None,
    )
    obj.done()
    return line


def _international(value: object, where: str) -> tuple[CrisisLine, ...]:
    obj = _Object(value, where)
    found = (
        *_lines(obj, "international"),
        _guidance(obj.take("emergency_guidance"), obj.at("emergency_guidance")),
    )
    obj.done()
    return found


def _subdivision(country: str, code: str, value: object, where: str) -> tuple[CrisisLine, ...]:
    match = _SUBDIVISION.fullmatch(code)
    # pycountry's Subdivisions.get is not annotated.
    known = pycountry.subdivisions.get(code=code)  # type: ignore[no-untyped-call]
    if not match or match[1] != country or known is None:
        raise CrisisResourcesError(
            f"{where}: unknown ISO 3166-2 subdivision of {country}: {code!r}"
        )
    obj = _Object(value, where)
    lines = _lines(obj, "subdivision", country, code)
    obj.done()
    return lines


def _country(code: str, value: object, where: str) -> CountryEntry:
    if not _COUNTRY.fullmatch(code) or pycountry.countries.get(alpha_2=code) is None:
        raise CrisisResourcesError(f"{where}: unknown ISO 3166-1 alpha-2 country code {code!r}")
    obj = _Object(value, where)
    lines = _lines(obj, "country", code) if "lines" in obj.values else None
    subs = _Object(obj.take("subdivisions", False) or {}, obj.at("subdivisions"))
    subdivisions = {
        sub: _subdivision(code, sub, entry, subs.at(sub)) for sub, entry in subs.values.items()
    }
    if lines is None and not subdivisions:
        raise CrisisResourcesError(f"{where}: needs 'lines' or 'subdivisions'")
    obj.done()
    return CountryEntry(lines, subdivisions)


def parse(data: object, origin: str) -> CrisisFile:
    """A crisis resources file from its decoded JSON (CrisisResourcesError says what is wrong)."""
    try:
        obj = _Object(data, _TOP)
        if obj.take("format") != FORMAT:
            raise CrisisResourcesError(f"{obj.at('format')}: must be {FORMAT}")
        seen = _Object(obj.take("verification"), obj.at("verification"))
        verification = Verification(
            cast(Method, _choice(seen, "method", get_args(Method))), cast(str, seen.string("note"))
        )
        seen.done()
        international = obj.take("international", False)
        countries = _Object(obj.take("countries", False) or {}, obj.at("countries"))
        found = CrisisFile(
            origin=origin,
            verification=verification,
            international=None
            if international is None
            else _international(international, obj.at("international")),
            countries={c: _country(c, v, countries.at(c)) for c, v in countries.values.items()},
        )
        obj.done()
    except CrisisResourcesError as error:
        raise CrisisResourcesError(f"crisis resources {origin}: {error}") from None
    return found
