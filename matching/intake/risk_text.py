"""A screen of the intake's free text for words about suicide or self-harm. Pure.

Case-insensitive word and phrase patterns (RISK_PATTERNS). It errs toward showing help: a negated
mention ("I am not suicidal") still counts, since crisis resources shown in error cost little.
Its limits are documented in the README (Crisis policy): it is no clinical assessment, it knows
English only, and it misses misspellings, euphemisms and indirect wording it has no pattern for.
"""

from __future__ import annotations

import re

_SELF = r"(?:myself|my\s+self|my\s+(?:own\s+)?life)"
RISK_PATTERNS: tuple[str, ...] = (
    r"\bsuicid\w*",  # suicide, suicidal, suicidality
    rf"\b(?:kill|killing|killed|hurt|hurting|harm|harming|hang|hanging)\s+{_SELF}",
    r"\b(?:cut|cutting)\s+myself\b(?!\s+(?:some\s+)?slack)",
    r"\b(?:end|ending|ended|take|taking|took)\s+my\s+(?:own\s+)?life\b(?!\s+back)",
    r"\bend(?:ing)?\s+it\s+all\b",
    r"\bself[-\s]?harm\w*",
    r"\b(?:want|wanted|wanting|wish|wishing)\s+(?:to\s+)?(?:i\s+(?:was|were)\s+)?(?:die|dead)\b",
    r"\bbetter\s+off\s+dead\b",
    r"\b(?:no|any)\s+reason\s+to\s+(?:live|go\s+on)\b",
    r"\b(?:do\s*n[o']?t|don't)\s+want\s+to\s+(?:live|be\s+alive|wake\s+up)\b",
    r"\boverdos\w*",
)
_SCREEN = re.compile("|".join(f"(?:{p})" for p in RISK_PATTERNS), re.IGNORECASE)


def mentions_self_harm(text: str | None) -> bool:
    """True when the text matches any risk pattern."""
    return bool(text) and _SCREEN.search(text or "") is not None
