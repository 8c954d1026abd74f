"""The catalog: every message people receive, in each language a translation is provided for.

Translations are gettext `.po` files, `<dir>/<locale>/LC_MESSAGES/messages.po`, read with Babel
when the app starts: the shipped ones (`app/i18n/translations`) and any in `TRANSLATIONS_DIRS`,
so a clinic adds a language by dropping a file there, with no code change.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from gettext import NullTranslations
from io import BytesIO
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from babel import Locale, UnknownLocaleError
from babel.dates import format_date, format_time, get_datetime_format
from babel.messages.catalog import Catalog
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.numbers import format_currency
from babel.support import Translations

from app.adapters import AdapterKey
from app.i18n.messages import Amount, Text, When

DOMAIN = "messages"
SHIPPED = Path(__file__).resolve().parent / "translations"
SOURCE_LOCALE = "en"
logger = logging.getLogger(__name__)


def parse_locale(value: str) -> Locale:
    """A Babel locale from `fr_CA` or `fr-CA`; UnknownLocaleError or ValueError otherwise."""
    return Locale.parse(value.replace("-", "_"))


def is_locale(value: str) -> bool:
    """True for a locale CLDR knows (`en`, `fr_CA`, `pt-BR`)."""
    try:
        parse_locale(value)
    except (UnknownLocaleError, ValueError, TypeError):
        return False
    return True


@dataclass(frozen=True)
class Translator:
    """Messages, dates and money for one recipient."""

    locale: Locale
    translations: NullTranslations

    def text(self, body: Any) -> str:
        """A queued subject or body (text, a message, or a list of both) in this language."""
        if isinstance(body, str):
            return body
        if isinstance(body, list):
            return "".join(self.text(part) for part in body)
        return self.render(Text.from_payload(body) if isinstance(body, dict) else body)

    def gettext(self, msgid: str, **params: str) -> str:
        """A marked msgid translated, its `%(name)s` placeholders filled."""
        template = self.translations.gettext(msgid)
        return template % params if params else template

    def render(self, text: Text) -> str:
        """The message translated, its parameters formatted for the locale."""
        values = {name: self._value(value) for name, value in text.params.items()}
        template = self.translations.gettext(text.msgid)
        try:
            return template % values if values else template
        except (KeyError, ValueError, TypeError):  # a translation that lost a placeholder
            logger.warning("untranslatable message", extra={"locale": str(self.locale)})
            return text.msgid % values if values else text.msgid

    def when(self, instant_at: When) -> str:
        """A full date and a short time in the zone, as the locale writes them."""
        local = instant_at.instant.astimezone(ZoneInfo(instant_at.zone))
        day = format_date(local, "full", locale=self.locale)
        if not instant_at.with_time:
            return str(day)
        time = format_time(local, "short", locale=self.locale)
        zone = format_time(local, "zzzz", locale=self.locale)
        return str(get_datetime_format("medium", locale=self.locale)).format(
            f"{time} ({zone})", day
        )

    def money(self, amount: Amount) -> str:
        """The amount in the currency, written as the locale writes money."""
        return str(format_currency(amount.value, amount.currency, locale=self.locale))

    def _value(self, value: Any) -> str | int:
        if isinstance(value, Text):
            return self.render(value)
        if isinstance(value, When):
            return self.when(value)
        if isinstance(value, Amount):
            return self.money(value)
        return value  # type: ignore[no-any-return]


class Catalogs:
    """The translations found in the shipped folder and the configured ones."""

    def __init__(self, directories: Sequence[Path | str] = ()) -> None:
        self._translations: dict[str, NullTranslations] = {}
        for directory in (SHIPPED, *map(Path, directories)):  # later folders win
            for po_file in sorted(Path(directory).glob(f"*/LC_MESSAGES/{DOMAIN}.po")):
                locale = str(parse_locale(po_file.parent.parent.name))
                with po_file.open("rb") as source:
                    catalog = read_po(source, locale=locale, domain=DOMAIN)
                _drop_broken(catalog, po_file)
                compiled = BytesIO()
                write_mo(compiled, catalog)
                compiled.seek(0)
                self._translations[locale] = Translations(compiled, domain=DOMAIN)

    @property
    def languages(self) -> list[str]:
        """Every locale with a translation, and the source language."""
        return sorted({SOURCE_LOCALE, *self._translations})

    def translator(self, locale: str | None) -> Translator:
        """The recipient's language when translated (`fr_CA`, else `fr`), else English."""
        try:
            wanted = parse_locale(locale or SOURCE_LOCALE)
        except (UnknownLocaleError, ValueError, TypeError):
            wanted = Locale.parse(SOURCE_LOCALE)
        for candidate in (str(wanted), wanted.language):
            if candidate in self._translations:
                return Translator(wanted, self._translations[candidate])
        if wanted.language == SOURCE_LOCALE:
            return Translator(wanted, NullTranslations())
        return Translator(Locale.parse(SOURCE_LOCALE), NullTranslations())


def _drop_broken(catalog: Catalog, source: Path) -> None:
    """Leave out translations whose placeholders differ from the message's (they stay English)."""
    for entry, errors in list(catalog.check()):
        if errors:
            logger.warning(
                "translation left out", extra={"file": str(source), "errors": str(errors)}
            )
            catalog.delete(entry.id, context=entry.context)


CATALOGS: AdapterKey[Catalogs] = AdapterKey("message catalogs")
