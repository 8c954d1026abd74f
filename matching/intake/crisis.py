"""Crisis resources shown to high-risk clients: per country and subdivision, else international.

The lines ship in `crisis_resources.json` next to this module (format in `crisis_lines`); an
operator's file (`CRISIS_RESOURCES_FILE`, same format) is merged over it: each `lines` list it
gives replaces the same list of the shipped file (a country's, a subdivision's, the
international one), and what it does not mention is kept.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path

from app.adapters import AdapterKey
from matching.intake.crisis_lines import (
    CrisisFile,
    CrisisLine,
    CrisisResourcesError,
    Verification,
    parse,
)

SHIPPED = "crisis_resources.json"


@dataclass(frozen=True)
class Country:
    """A country's own lines (one of them its emergency number) and its subdivisions' lines."""

    code: str
    lines: tuple[CrisisLine, ...]
    subdivisions: Mapping[str, tuple[CrisisLine, ...]]


def _no_repeats(pairs: list[tuple[str, object]]) -> dict[str, object]:
    """A JSON object whose keys are all different (else the last one would silently win)."""
    repeated = sorted(key for key, n in Counter(key for key, _ in pairs).items() if n > 1)
    if repeated:
        raise ValueError(f"repeated key(s) {', '.join(map(repr, repeated))}")
    return dict(pairs)


def read_file(path: str | Path, origin: str | None = None) -> CrisisFile:
    """Parse one crisis resources file (CrisisResourcesError when it is unreadable or malformed)."""
    where = origin or str(path)
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"), object_pairs_hook=_no_repeats)
    except (OSError, ValueError) as error:
        raise CrisisResourcesError(f"crisis resources {where}: cannot be read: {error}") from None
    return parse(data, where)


@cache
def shipped() -> CrisisFile:
    """The file shipped with the package."""
    with resources.as_file(resources.files(__package__ or "matching.intake") / SHIPPED) as path:
        return read_file(path, f"{SHIPPED} (shipped)")


class CrisisDirectory:
    """Crisis lines per country and subdivision, merged from files (later ones win)."""

    def __init__(self, files: Sequence[CrisisFile]) -> None:
        international: tuple[CrisisLine, ...] | None = None
        lines: dict[str, tuple[CrisisLine, ...]] = {}
        subdivisions: dict[str, dict[str, tuple[CrisisLine, ...]]] = {}
        for file in files:
            international = file.international or international
            for code, entry in file.countries.items():
                if entry.lines is not None:
                    lines[code] = entry.lines
                subdivisions.setdefault(code, {}).update(entry.subdivisions)
        if not international:
            raise CrisisResourcesError("crisis resources: no file gives the international lines")
        for code in subdivisions:
            if not any(line.kind == "emergency" for line in lines.get(code, ())):
                raise CrisisResourcesError(
                    f"crisis resources: country {code} needs its own lines with an emergency number"
                )
        self.verifications: tuple[tuple[str, Verification], ...] = tuple(
            (f.origin, f.verification) for f in files
        )
        self.international = international
        self.countries = {
            code: Country(code, lines[code], dict(sorted(subdivisions[code].items())))
            for code in sorted(lines)
        }

    @classmethod
    def from_file(cls, path: str | None) -> CrisisDirectory:
        """The shipped lines, with the file at `path` (if any) merged over them."""
        return cls([shipped(), *([read_file(path)] if path else [])])

    def resources_for(self, jurisdiction: str) -> list[CrisisLine]:
        """The subdivision's lines, then its country's; the international ones for elsewhere.

        `jurisdiction` is an ISO 3166-2 code (`US-CA`, `GB-SCT`) or an ISO 3166-1 alpha-2
        country code (`IE`); its country is the part before the `-`. Never empty.
        """
        code = jurisdiction.strip().upper()
        country = self.countries.get(code.partition("-")[0])
        if country is None:
            return list(self.international)
        return [*country.subdivisions.get(code, ()), *country.lines]


CRISIS_DIRECTORY: AdapterKey[CrisisDirectory] = AdapterKey("crisis directory")
