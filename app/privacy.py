"""Words that must never reach invites, emails, video rooms or other outside systems."""

from __future__ import annotations

# Lower-case fragments that must never appear in an invite or feed (matched as substrings, so a
# rare false positive such as "fundamental" errs on the side of saying less).
PRIVACY_BANNED_WORDS: tuple[str, ...] = (
    # clinical and professional words
    "therapy", "therapist", "therapeut", "psych", "counsel", "clinical", "patient", "diagnos",
    "treatment", "mental", "behavioral", "behavioural", "psychiatr", "medicat", "prescri",
    "lcsw", "lmft", "lmhc",
    # concerns
    "depress", "anxiety", "anxious", "trauma", "ptsd", "suicid", "self-harm",
    "bipolar", "schizo", "adhd", "obsessive", "addict", "substance", "alcohol", "eating disorder",
    "anorexi", "bulimi", "grief", "bereave", "crisis", "abuse", "disorder",
    # instruments, intake and modalities
    "phq", "gad-7", "intake", "cbt", "dbt", "emdr",
    # the same in the languages messages are translated into (French, Spanish, Portuguese)
    "terap", "thérap", "psic", "pacient", "diagnó", "traitement", "tratamient", "tratament",
    "médicament", "medicament", "dépress", "depresi", "anxiét", "ansiedad", "trastorno", "crise",
)  # fmt: skip


def clinical_words_in(text: str) -> list[str]:
    """The banned fragments found in a text (case-insensitive), in the order of the list."""
    folded = text.casefold()
    return [word for word in PRIVACY_BANNED_WORDS if word in folded]
