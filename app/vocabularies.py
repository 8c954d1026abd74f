"""Controlled vocabularies: the one list of allowed codes for every coded field."""

from __future__ import annotations

from types import MappingProxyType
from typing import Final
from zoneinfo import available_timezones

import pycountry

from app.jurisdictions import JURISDICTIONS


def _labelled(*pairs: tuple[str, str]) -> MappingProxyType[str, str]:
    return MappingProxyType(dict(pairs))


LANGUAGES: Final = MappingProxyType(
    {lang.alpha_2: lang.name for lang in pycountry.languages if hasattr(lang, "alpha_2")}
)

LICENSE_TYPES: Final = _labelled(
    ("psychologist", "Licensed Psychologist (PhD/PsyD)"),
    ("lcsw", "Licensed Clinical Social Worker"),
    ("lpc", "Licensed Professional Counselor"),
    ("lpcc", "Licensed Professional Clinical Counselor"),
    ("lmhc", "Licensed Mental Health Counselor"),
    ("lmft", "Licensed Marriage and Family Therapist"),
    ("psychiatrist", "Psychiatrist (MD/DO)"),
    ("pmhnp", "Psychiatric Mental Health Nurse Practitioner"),
)

CONCERNS: Final = _labelled(
    ("anxiety", "Anxiety"),
    ("depression", "Depression"),
    ("trauma", "Trauma and PTSD"),
    ("grief", "Grief and loss"),
    ("relationships", "Relationships"),
    ("family", "Family conflict"),
    ("stress", "Stress and burnout"),
    ("ocd", "Obsessive-compulsive disorder"),
    ("adhd", "ADHD"),
    ("bipolar", "Bipolar disorder"),
    ("eating", "Eating disorders"),
    ("substance_use", "Substance use"),
    ("sleep", "Sleep problems"),
    ("self_esteem", "Self-esteem"),
    ("identity", "Gender and sexual identity"),
    ("life_transitions", "Life transitions"),
    ("anger", "Anger management"),
    ("chronic_illness", "Chronic illness and pain"),
    ("perinatal", "Perinatal and postpartum"),
    ("suicidal_thoughts", "Suicidal thoughts"),
)

MODALITIES: Final = _labelled(
    ("cbt", "Cognitive Behavioral Therapy (CBT)"),
    ("dbt", "Dialectical Behavior Therapy (DBT)"),
    ("emdr", "EMDR"),
    ("act", "Acceptance and Commitment Therapy (ACT)"),
    ("psychodynamic", "Psychodynamic"),
    ("ipt", "Interpersonal Therapy (IPT)"),
    ("mbct", "Mindfulness-Based Cognitive Therapy"),
    ("erp", "Exposure and Response Prevention"),
    ("cpt", "Cognitive Processing Therapy"),
    ("pe", "Prolonged Exposure"),
    ("solution_focused", "Solution-Focused Brief Therapy"),
    ("person_centered", "Person-Centered"),
    ("gottman", "Gottman Method"),
    ("eft", "Emotionally Focused Therapy"),
    ("motivational_interviewing", "Motivational Interviewing"),
    ("family_systems", "Family Systems"),
)

GENDERS: Final = _labelled(
    ("woman", "Woman"),
    ("man", "Man"),
    ("non_binary", "Non-binary"),
    ("transgender_woman", "Transgender woman"),
    ("transgender_man", "Transgender man"),
    ("another", "Another gender identity"),
)

COMMUNITIES: Final = _labelled(
    ("lgbtq", "LGBTQ+"),
    ("bipoc", "BIPOC"),
    ("veterans", "Veterans and military families"),
    ("faith_based", "Faith-based"),
    ("immigrants", "Immigrants and refugees"),
    ("disability", "People with disabilities"),
    ("first_responders", "First responders"),
    ("healthcare_workers", "Healthcare workers"),
    ("students", "College students"),
)

AGE_GROUPS: Final = _labelled(
    ("children", "Children (6-12)"),
    ("teens", "Teens (13-17)"),
    ("young_adults", "Young adults (18-25)"),
    ("adults", "Adults (26-64)"),
    ("older_adults", "Older adults (65+)"),
)

INSURANCE_PLANS: Final = _labelled(
    ("aetna", "Aetna"),
    ("anthem", "Anthem Blue Cross"),
    ("bcbs", "Blue Cross Blue Shield"),
    ("cigna", "Cigna / Evernorth"),
    ("humana", "Humana"),
    ("kaiser", "Kaiser Permanente"),
    ("magellan", "Magellan"),
    ("medicaid", "Medicaid"),
    ("medicare", "Medicare"),
    ("optum", "Optum / UnitedHealthcare"),
    ("tricare", "TRICARE"),
)

FORMATS: Final = _labelled(("video", "Video"), ("phone", "Phone"))

CURRENCIES: Final = MappingProxyType(
    {currency.alpha_3: currency.name for currency in pycountry.currencies}  # ISO 4217
)

# Weekday names as the API spells them, in date.weekday() order (0 = Monday).
WEEKDAYS: Final = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")

TIME_ZONES: Final = frozenset(available_timezones())

VOCABULARIES: Final = MappingProxyType(
    {
        "jurisdictions": JURISDICTIONS,
        "license_types": LICENSE_TYPES,
        "concerns": CONCERNS,
        "modalities": MODALITIES,
        "languages": LANGUAGES,
        "genders": GENDERS,
        "communities": COMMUNITIES,
        "age_groups": AGE_GROUPS,
        "insurance_plans": INSURANCE_PLANS,
        "formats": FORMATS,
        "currencies": CURRENCIES,
    }
)
