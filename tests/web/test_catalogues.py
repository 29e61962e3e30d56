"""The build fails when a catalogue misses a text, leaves one untranslated or fuzzy, or
breaks a placeholder: every page must read fully in nl, fr, de and en."""

import re
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir

from loket.web.i18n import LANGUAGES, read_catalogue

ROOT = Path(__file__).parents[2]
METHODS = [
    ("src/loket/**.py", "python"),
    ("src/loket/web/templates/**.html", "jinja2"),
]
OPTIONS = {"src/loket/web/templates/**.html": {"extensions": "jinja2.ext.i18n"}}
KEYWORDS = {"_": None, "N_": None, "gettext": None, "ngettext": (1, 2)}
PLACEHOLDER = re.compile(r"%\((\w+)\)[sd]")


def source_messages() -> set[str]:
    found: set[str] = set()
    for _file, _line, message, _comments, _context in extract_from_dir(
        str(ROOT), METHODS, OPTIONS, KEYWORDS
    ):
        found.add(message[0] if isinstance(message, tuple) else message)
    return found


SOURCE = source_messages()


def test_the_pages_have_texts_to_translate() -> None:
    assert "Talk to a person" in SOURCE


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_text_is_translated_and_not_fuzzy(language: str) -> None:
    catalogue = read_catalogue(language)
    problems = []
    for message in sorted(SOURCE):
        entry = catalogue.get(message)
        if entry is None:
            problems.append(f"missing: {message!r}")
            continue
        translated = entry.string[0] if isinstance(entry.string, tuple) else entry.string
        if not translated:
            problems.append(f"untranslated: {message!r}")
        elif entry.fuzzy:
            problems.append(f"fuzzy: {message!r}")
        elif sorted(PLACEHOLDER.findall(translated)) != sorted(PLACEHOLDER.findall(message)):
            problems.append(f"placeholders differ: {message!r} -> {translated!r}")
    assert problems == [], f"{language}: {len(problems)} problems; run `make messages`"
