"""Languages of the pages: nl, fr, de, en, with gettext catalogues read from `locales/`.

Catalogues are read from their `.po` files at start-up (no compiled `.mo` files to forget).
English is the source language; its catalogue maps each message to itself.
"""

from datetime import date, datetime
from decimal import Decimal
from functools import cache
from io import BytesIO
from pathlib import Path

from babel import Locale
from babel.dates import format_date as babel_format_date
from babel.dates import format_datetime as babel_format_datetime
from babel.messages.catalog import Catalog
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.numbers import format_currency, format_decimal
from babel.support import Translations

LANGUAGES = ("nl", "fr", "de", "en")
DEFAULT_LANGUAGE = "nl"
# Each language named in itself, for the switcher.
LANGUAGE_NAMES = {"nl": "Nederlands", "fr": "Français", "de": "Deutsch", "en": "English"}
# Belgian formats for dates and amounts; English as used in Belgium.
LOCALES = {"nl": "nl_BE", "fr": "fr_BE", "de": "de_BE", "en": "en_BE"}
LOCALE_DIR = Path(__file__).parent / "locales"


def catalogue_path(language: str) -> Path:
    return LOCALE_DIR / language / "LC_MESSAGES" / "messages.po"


def read_catalogue(language: str) -> Catalog:
    path = catalogue_path(language)
    if not path.exists():
        return Catalog(locale=LOCALES[language])
    with path.open("rb") as handle:
        return read_po(handle, locale=LOCALES[language])


@cache
def translations(language: str) -> Translations:
    """The gettext translations of `language`; untranslated and fuzzy messages fall back to
    English (the test suite refuses a catalogue that has any)."""
    catalogue = read_catalogue(language)
    buffer = BytesIO()
    write_mo(buffer, catalogue, use_fuzzy=False)
    buffer.seek(0)
    return Translations(fp=buffer)


def negotiate(accept_language: str | None) -> str:
    """The best of our languages for an Accept-Language header, or the default."""
    if not accept_language:
        return DEFAULT_LANGUAGE
    ranked: list[tuple[float, int, str]] = []
    for position, part in enumerate(accept_language.split(",")[:20]):
        tag, _, params = part.strip().partition(";")
        quality = 1.0
        if params.strip().startswith("q="):
            try:
                quality = float(params.strip()[2:])
            except ValueError:
                continue
        language = tag.strip().lower()[:2]
        if language in LANGUAGES and quality > 0:
            ranked.append((-quality, position, language))
    return min(ranked)[2] if ranked else DEFAULT_LANGUAGE


def format_date(day: date | None, language: str, style: str = "long") -> str:
    if day is None:
        return ""
    return babel_format_date(day, format=style, locale=LOCALES[language])


def format_datetime(moment: datetime | None, language: str, style: str = "medium") -> str:
    if moment is None:
        return ""
    return babel_format_datetime(moment, format=style, locale=LOCALES[language])


def format_money(amount: Decimal | float | int | None, language: str) -> str:
    if amount is None:
        return ""
    return format_currency(amount, "EUR", locale=LOCALES[language])


def format_number(value: float | int, language: str, pattern: str | None = None) -> str:
    return format_decimal(value, format=pattern, locale=LOCALES[language])


def locale_of(language: str) -> Locale:
    return Locale.parse(LOCALES[language])
