"""The operators' review of the crisis directory: every line, and those due for a check."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

import pycountry

from matching.intake.crisis import CrisisDirectory
from matching.intake.crisis_lines import CrisisLine


@dataclass(frozen=True)
class Review:
    """The printed lines of a review and how many entries are due for a check."""

    lines: list[str]
    due: int


def _due(line: CrisisLine, as_of: date, max_age_days: int) -> str | None:
    """Why the line is due for a check against its source, or None."""
    age = (as_of - line.checked_on).days
    if age < 0:
        return f"checked_on {line.checked_on} is in the future"
    if age > max_age_days:
        return f"last checked {age} days ago (more than {max_age_days})"
    return None


def _describe(line: CrisisLine, where: str, as_of: date, max_age_days: int) -> Iterable[str]:
    hours = f", {line.hours}" if line.hours else ""
    yield f"  [{where}] {line.name}: {line.contact}{hours} (checked {line.checked_on})"
    yield f"      source: {line.source}"
    problem = _due(line, as_of, max_age_days)
    if problem:
        yield f"      DUE FOR A CHECK: {problem}"


def review(directory: CrisisDirectory, *, as_of: date, max_age_days: int) -> Review:
    """Every line by country, flagging those not checked within `max_age_days` of `as_of`."""
    out: list[str] = []
    for origin, verification in directory.verifications:
        out.append(f"{origin}: {verification.method}: {verification.note}")
        if verification.method != "checked":
            out.append("  WARNING: these details were not confirmed against their sources")
    listed: list[CrisisLine] = []
    for code, country in directory.countries.items():
        found = pycountry.countries.get(alpha_2=code)
        out.append(f"{code} {getattr(found, 'common_name', None) or getattr(found, 'name', '')}")
        for sub, lines in country.subdivisions.items():
            for line in lines:
                out.extend(_describe(line, sub, as_of, max_age_days))
            listed.extend(lines)
        for line in country.lines:
            out.extend(_describe(line, code, as_of, max_age_days))
        listed.extend(country.lines)
    out.append("Everywhere else (international)")
    for line in directory.international:
        out.extend(_describe(line, "international", as_of, max_age_days))
    listed.extend(directory.international)
    due = sum(1 for line in listed if _due(line, as_of, max_age_days))
    out.append(
        f"{len(listed)} entries, {due} due for a check against their source "
        f"(not checked within {max_age_days} days of {as_of})"
    )
    return Review(out, due)
