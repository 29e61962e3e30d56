"""The message a citizen gets when their living wage changes: in their language, with amounts
written exactly as Babel writes euro amounts in that language."""

import random
from datetime import date
from decimal import Decimal

import pytest
from babel.numbers import format_currency

from loket.entitlements.notices import LOCALES, _money, amount_changed_message


@pytest.mark.parametrize("language", list(LOCALES))
def test_amounts_are_written_as_babel_writes_them(language: str) -> None:
    rng = random.Random(15)
    for cents in (0, 5, 99, 100, 93496, 100000, 123456789, *rng.sample(range(10**9), 500)):
        expected = format_currency(Decimal(cents) / 100, "EUR", locale=LOCALES[language])
        assert _money(cents, language) == expected


@pytest.mark.parametrize(
    ("language", "words"),
    [
        ("nl", "vanaf 1 juni 2024 krijgt u € 1.009,29 per maand in plaats van € 934,96"),
        ("fr", "à partir du 1 juin 2024, vous recevez 1 009,29 € par mois au lieu de 934,96 €"),
        ("de", "Ab dem 1. Juni 2024 erhalten Sie 1.009,29 € pro Monat statt 934,96 €"),
        ("en", "from 1 June 2024 you receive 1.009,29 € a month instead of 934,96 €"),
    ],
)
def test_the_message_speaks_the_citizens_language(language: str, words: str) -> None:
    payload = amount_changed_message(language, date(2024, 6, 1), [("OCMW-1", 93496, 100929)])
    plain = payload["text"].replace("\xa0", " ").replace("\u202f", " ")
    assert words in plain
    assert payload["language"] == language and payload["subject"]
    assert payload["dossiers"] == [
        {"reference": "OCMW-1", "old_amount_eur": "934.96", "new_amount_eur": "1009.29"}
    ]


def test_an_unknown_language_falls_back_to_dutch() -> None:
    payload = amount_changed_message("xx", date(2024, 6, 1), [("OCMW-1", 100, 200)])
    assert payload["language"] == "nl" and payload["subject"] == "Uw leefloon verandert"
