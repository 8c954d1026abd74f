"""Aliases: how members appear to each other; one line, unique in the group, never their name."""

from __future__ import annotations

import re
import unicodedata

from confusable_homoglyphs import confusables

from scheduling.calendars.ics import one_line
from scheduling.support_groups.exceptions import InvalidAlias

MIN_LENGTH, MAX_LENGTH = 2, 40


def alias_key(alias: str) -> str:
    """The form two aliases are compared in: NFKC, case-folded, spaces collapsed."""
    return " ".join(unicodedata.normalize("NFKC", alias).casefold().split())


def _visible(text: str) -> str:
    """One line without invisible format characters (zero-width spaces, bidi overrides)."""
    return one_line("".join(ch for ch in text if unicodedata.category(ch) != "Cf"))


def _words(text: str) -> set[str]:
    return {word for word in re.split(r"[\W_]+", alias_key(text)) if word}


def checked_alias(alias: str, *, own_names: list[str]) -> str:
    """The alias as shown; refused when blank, too long or containing the member's own name."""
    shown = _visible(alias)
    if not MIN_LENGTH <= len(shown) <= MAX_LENGTH:
        raise InvalidAlias(
            f"An alias is {MIN_LENGTH} to {MAX_LENGTH} characters on one line.",
            errors={"alias": ["Choose a short name for this group."]},
        )
    if confusables.is_dangerous(shown):  # a Latin "o" beside a Cyrillic one, and the like
        raise InvalidAlias(
            "This alias mixes letters from different scripts that look alike; use one script.",
            errors={"alias": ["Looks like another alias could: mixed scripts."]},
        )
    words = _words(shown)
    for name in own_names:
        if words & {word for word in _words(name) if len(word) >= 3}:
            raise InvalidAlias(
                "This alias would tell the group who you are: choose one without your name.",
                errors={"alias": ["Contains your display name or email name."]},
            )
    return shown
