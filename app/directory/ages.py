"""Ages: a person's age on a date, and the adult age group (vocabulary `age_groups`) it falls in."""

from __future__ import annotations

from datetime import date

# The oldest age of each adult age group, youngest group first; the last group has no limit.
YOUNG_ADULTS_UNTIL = 25
ADULTS_UNTIL = 64


def age_on(born: date, day: date) -> int:
    """Whole years completed on `day` by someone born on `born`."""
    return day.year - born.year - ((day.month, day.day) < (born.month, born.day))


def adult_age_group(born: date, day: date) -> str:
    """The adult age group of someone born on `born`, on `day`."""
    years = age_on(born, day)
    if years <= YOUNG_ADULTS_UNTIL:
        return "young_adults"
    return "adults" if years <= ADULTS_UNTIL else "older_adults"


def age_group_of(stated: str | None, born: date | None, day: date) -> str | None:
    """The age group a person stated, else the one their date of birth gives on `day`."""
    if stated:
        return stated
    return None if born is None else adult_age_group(born, day)
