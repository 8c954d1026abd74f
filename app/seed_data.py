"""Demo data tables: clinics, states, people, clients, and the phrases bios are made of."""

from __future__ import annotations

# (name, time zone, email subdomain of its admin, the states its therapists mainly practise in)
CLINICS = (
    ("Harbor Light Counseling", "America/New_York", "harborlight",
     ("US-NY", "US-FL", "US-MA", "US-IL")),
    ("Sierra Vista Wellness", "America/Los_Angeles", "sierravista",
     ("US-CA", "US-WA", "US-TX", "US-CO")),
)  # fmt: skip
# state: (time zone, the professional-counselor license the state issues)
STATES = {
    "US-NY": ("America/New_York", "lmhc"), "US-FL": ("America/New_York", "lmhc"),
    "US-MA": ("America/New_York", "lmhc"), "US-IL": ("America/Chicago", "lpc"),
    "US-CA": ("America/Los_Angeles", "lpcc"), "US-WA": ("America/Los_Angeles", "lmhc"),
    "US-TX": ("America/Chicago", "lpc"), "US-CO": ("America/Denver", "lpc"),
}  # fmt: skip
LICENSE_PREFIX = {"psychologist": "PSY", "lcsw": "LCSW", "lmft": "LMFT", "lpc": "LPC",
                  "lpcc": "LPCC", "lmhc": "LMHC"}  # fmt: skip
# Therapists (1-based) who also hold one expired license, to exercise the license filter.
EXPIRED_LICENSE_HOLDERS = frozenset({5, 18, 31})

# "Name:gender[:extra languages]"; pronouns follow from the gender.
PEOPLE = """
Maya Chen:woman:zh | Daniel Okafor:man | Sofia Ramirez:woman:es | James Whitfield:man
Priya Raman:woman:hi | Marcus Johnson:man | Elena Petrova:woman:ru | Luis Hernandez:man:es
Aisha Rahman:woman:ar | Noah Goldberg:man | Linh Nguyen:woman:vi | Jordan Reyes:non_binary:es
Grace Kim:woman:ko | Jean-Paul Baptiste:man:fr | Carmen Delgado:woman:es | Robert Sullivan:man
Hannah Weiss:woman | Miguel Torres:man:es | Fatima Haddad:woman:ar fr | Ethan Brooks:man
Rosa Villanueva:woman:tl es | Kevin Tran:man:vi | Olivia Martinez:woman:es
Riley Nakamura:non_binary | Isabela Costa:woman:pt es | David Park:man:ko | Andre Silva:man:pt
Nicole Washington:woman | Rachel Levine:woman | Carlos Mendoza:man:es | Wei Zhang:man:zh
Lauren O'Brien:woman | Anjali Patel:woman:hi | Michael Rossi:man | Valeria Gutierrez:woman:es
Theo Bennett:transgender_man | Jasmine Carter:transgender_woman | Ana Lucia Flores:woman:es
Benjamin Cohen:man | Mei Lin Wong:woman:zh | Omar Farouk:man:ar | Sarah Mitchell:woman
Diego Castillo:man:es | Emily Thompson:woman:es
"""
PRONOUNS = {"woman": "she/her", "man": "he/him", "non_binary": "they/them",
            "transgender_woman": "she/her", "transgender_man": "he/him"}  # fmt: skip

# (pseudonym, state, age group)
CLIENTS = (
    ("River", "US-CA", "adults"), ("Sam", "US-NY", "adults"), ("Alex", "US-TX", "young_adults"),
    ("Jordan", "US-FL", "adults"), ("Morgan", "US-WA", "adults"), ("Casey", "US-IL", "adults"),
)  # fmt: skip

FOCUS = {
    "anxiety": "anxiety, panic and constant worry",
    "depression": "depression and low mood",
    "trauma": "trauma and PTSD, including childhood and medical trauma",
    "grief": "grief after the loss of someone close",
    "relationships": "relationship struggles and communication breakdowns",
    "family": "family conflict and strained parent-child relationships",
    "stress": "work stress and burnout",
    "ocd": "OCD, intrusive thoughts and compulsions",
    "adhd": "adult ADHD, focus and procrastination",
    "bipolar": "bipolar disorder and mood swings",
    "eating": "eating disorders and body image concerns",
    "substance_use": "substance use and recovery",
    "sleep": "insomnia and sleep problems",
    "self_esteem": "low self-esteem and harsh self-criticism",
    "identity": "questions of gender and sexual identity",
    "life_transitions": "life transitions such as moves, career changes and new parenthood",
    "anger": "anger and irritability",
    "chronic_illness": "chronic illness and chronic pain",
    "perinatal": "pregnancy, postpartum depression and the transition to parenthood",
    "suicidal_thoughts": "suicidal thoughts and emotional crises",
}
APPROACH = {
    "cbt": "cognitive behavioral therapy (CBT)",
    "dbt": "dialectical behavior therapy (DBT) skills",
    "emdr": "EMDR",
    "act": "acceptance and commitment therapy (ACT)",
    "psychodynamic": "psychodynamic exploration of long-standing patterns",
    "ipt": "interpersonal therapy",
    "mbct": "mindfulness-based cognitive therapy",
    "erp": "exposure and response prevention (ERP)",
    "cpt": "cognitive processing therapy",
    "pe": "prolonged exposure",
    "solution_focused": "solution-focused brief therapy",
    "person_centered": "a person-centered, client-led style",
    "gottman": "the Gottman Method",
    "eft": "emotionally focused therapy",
    "motivational_interviewing": "motivational interviewing",
    "family_systems": "family systems work",
}
# The modality a therapist with that main focus most likely practises.
AFFINITY = {"ocd": "erp", "trauma": "emdr", "relationships": "gottman", "family": "family_systems",
            "substance_use": "motivational_interviewing", "anxiety": "cbt", "depression": "cbt",
            "suicidal_thoughts": "dbt", "grief": "person_centered", "eating": "dbt"}  # fmt: skip
COMMUNITY_PHRASES = {
    "lgbtq": "LGBTQ+ clients", "bipoc": "BIPOC clients",
    "veterans": "veterans and military families",
    "faith_based": "clients who want their faith honored in therapy",
    "immigrants": "immigrants and refugees", "disability": "people living with disabilities",
    "first_responders": "first responders", "healthcare_workers": "healthcare workers",
    "students": "college students",
}  # fmt: skip
FOCUS_SENTENCES = (
    "I work with people facing {a}, and I also often help with {b}.",
    "Most of the people I see come to me for help with {a}, or with {b}.",
    "My practice centers on {a}, and I also have deep experience with {b}.",
    "I specialize in {a}, as well as {b}.",
)
APPROACH_SENTENCES = (
    "My approach is grounded in {m}.",
    "In our sessions I draw on {m}, tailored to your goals.",
    "I use {m} to help you build practical skills and lasting change.",
)
WARM_SENTENCES = (
    "I aim to offer a warm, nonjudgmental space where you can be fully yourself.",
    "Therapy with me is collaborative, practical and paced to what feels right for you.",
    "I believe everyone has strengths to build on, and I will meet you where you are.",
    "Expect a down-to-earth, compassionate partner who is curious about your story.",
    "Together we will set clear goals and check in often on what is helping.",
    "I bring humor, honesty and steady support to our work together.",
)
