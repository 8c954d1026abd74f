"""The message catalog: complete, in step with the code, screened, and formatted per locale."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po, write_po

from app.i18n.catalogs import SHIPPED, Catalogs
from app.i18n.messages import Amount, Text, When, message
from app.privacy import clinical_words_in

ROOT = Path(__file__).resolve().parents[2]
KEYWORDS = {"message": None, "marked": None}
SHIPPED_LANGUAGES = ("fr", "es")


def _template() -> Catalog:
    with (SHIPPED / "messages.pot").open("rb") as source:
        return read_po(source)


def _ids(catalog: Catalog) -> set[str]:
    return {m.id for m in catalog if m.id and isinstance(m.id, str)}


def test_the_template_holds_exactly_the_messages_in_the_code():
    in_code = {
        msgid
        for package in ("app", "scheduling", "billing", "matching")
        for _, _, msgid, _, _ in extract_from_dir(
            ROOT / package, method_map=[("**.py", "python")], keywords=KEYWORDS
        )
    }
    assert in_code == _ids(_template()), "run `make messages` and translate what changed"


@pytest.mark.parametrize("language", SHIPPED_LANGUAGES)
def test_every_shipped_language_translates_every_message_with_the_same_placeholders(language):
    with (SHIPPED / language / "LC_MESSAGES" / "messages.po").open("rb") as source:
        catalog = read_po(source, locale=language)
    assert _ids(catalog) == _ids(_template())
    for entry in catalog:
        if not entry.id:
            continue
        assert entry.string, f"{language}: untranslated {entry.id!r}"
        assert not entry.fuzzy, f"{language}: fuzzy {entry.id!r}"
        assert clinical_words_in(entry.string) == [], f"{language}: {entry.string!r}"
    problems = [(entry.id, errors) for entry, errors in catalog.check() if errors]
    assert problems == []


ENGLISH = (
    "Appointment confirmed: Wednesday, November 25, 2026, 10:00\u202fAM (Eastern Standard Time)"
)
WEDNESDAY_10_AM_TORONTO = When(datetime(2026, 11, 25, 15, tzinfo=UTC), "America/Toronto")


@pytest.mark.parametrize(
    ("locale", "expected"),
    [
        (
            "en",
            ENGLISH,
        ),
        (
            "fr_CA",
            "Rendez-vous confirmé : mercredi 25 novembre 2026, 10 h 00 "
            "(heure normale de l\u2019Est)",
        ),
        (
            "es_MX",
            "Cita confirmada: miércoles, 25 de noviembre de 2026, 10:00\u202fa.m. "
            "(hora estándar oriental)",
        ),
        # no German translation: the English text, with English dates
        (
            "de",
            ENGLISH,
        ),
        (
            "not a locale",
            ENGLISH,
        ),
    ],
)
def test_dates_follow_the_recipients_language_where_it_is_translated(locale, expected):
    subject = message("Appointment confirmed: %(when)s", when=WEDNESDAY_10_AM_TORONTO)
    assert Catalogs().translator(locale).render(subject) == expected


@pytest.mark.parametrize(
    ("locale", "value", "currency", "expected"),
    [
        ("en", "125.50", "USD", "$125.50"),
        ("en", "125.50", "CAD", "CA$125.50"),
        ("fr_CA", "125.50", "CAD", "125,50\xa0$"),
        ("fr_CA", "125.50", "USD", "125,50\xa0$\xa0US"),
        ("en", "5000", "JPY", "¥5,000"),
        ("es", "5000", "JPY", "5.000\xa0JPY"),
        ("fr", "1.250", "KWD", "1,250\xa0KWD"),
        ("en", "99", "AUD", "A$99.00"),
        ("en_GB", "45", "GBP", "£45.00"),
    ],
)
def test_money_is_written_as_the_recipients_locale_writes_it(locale, value, currency, expected):
    translator = Catalogs().translator(locale)
    assert translator.money(Amount(Decimal(value), currency)) == expected


def test_a_language_dropped_into_a_folder_is_used_without_code_changes(tmp_path):
    catalog = Catalog(locale="pt_BR", domain="messages")
    catalog.add(
        "Appointment confirmed: %(when)s",
        "Consulta confirmada: %(when)s",
        flags=["python-format"],
    )
    folder = tmp_path / "pt_BR" / "LC_MESSAGES"
    folder.mkdir(parents=True)
    with (folder / "messages.po").open("wb") as out:
        write_po(out, catalog)
    catalogs = Catalogs([tmp_path])
    assert "pt_BR" in catalogs.languages
    rendered = catalogs.translator("pt-BR").render(
        message("Appointment confirmed: %(when)s", when=WEDNESDAY_10_AM_TORONTO)
    )
    assert (
        rendered == "Consulta confirmada: quarta-feira, 25 de novembro de 2026 10:00 "
        "(Horário Padrão do Leste)"
    )
    # a message the file does not translate stays English
    assert catalogs.translator("pt_BR").render(Text("Reset your password")) == "Reset your password"


def test_messages_survive_the_outbox_as_data():
    text = message(
        "%(memo)s on %(day)s",
        memo=Text("Late cancellation fee"),
        day=When(datetime(2026, 3, 8, 6, 30, tzinfo=UTC), "America/Los_Angeles", with_time=False),
    )
    again = Text.from_payload(text.to_payload())
    assert again == text
    french = Catalogs().translator("fr_CA").render(again)
    assert french == "Frais d'annulation tardive du samedi 7 mars 2026"


def test_a_dropped_in_translation_that_breaks_a_placeholder_is_left_out_not_fatal(tmp_path):
    catalog = Catalog(locale="it", domain="messages")
    catalog.add("Appointment confirmed: %(when)s", "Appuntamento confermato: %(quando)s")
    catalog.add("Reset your password", "Reimposta la password")
    folder = tmp_path / "it" / "LC_MESSAGES"
    folder.mkdir(parents=True)
    with (folder / "messages.po").open("wb") as out:
        write_po(out, catalog)
    italian = Catalogs([tmp_path]).translator("it")
    subject = italian.render(
        message("Appointment confirmed: %(when)s", when=WEDNESDAY_10_AM_TORONTO)
    )
    assert subject.startswith("Appointment confirmed: mercoledì 25 novembre 2026")
    assert italian.render(Text("Reset your password")) == "Reimposta la password"
