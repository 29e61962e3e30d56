"""What a citizen is told when their living wage changes, in their own language.

The texts live here, with their four translations side by side like the choice lists, because the
outbox message is written in the same transaction as the change, long before any page is shown.
"""

from datetime import date
from decimal import Decimal
from functools import cache, lru_cache
from typing import Any

from babel.dates import format_date
from babel.numbers import format_currency

LOCALES = {"nl": "nl_BE", "fr": "fr_BE", "de": "de_BE", "en": "en_BE"}
TOPIC = "living-wage-amount-changed"

SUBJECTS = {
    "nl": "Uw leefloon verandert",
    "fr": "Votre revenu d'intégration change",
    "de": "Ihr Eingliederungseinkommen ändert sich",
    "en": "Your living wage changes",
}
LINES = {
    "nl": "Dossier {reference}: vanaf {date} krijgt u {new} per maand in plaats van {old}.",
    "fr": "Dossier {reference} : à partir du {date}, vous recevez {new} par mois au lieu de {old}.",
    "de": "Akte {reference}: Ab dem {date} erhalten Sie {new} pro Monat statt {old}.",
    "en": "Dossier {reference}: from {date} you receive {new} a month instead of {old}.",
}
CLOSINGS = {
    "nl": "Dit komt door de indexering van de bedragen van het leefloon. Hebt u vragen? "
    "Neem contact op met uw OCMW.",
    "fr": "C'est la conséquence de l'indexation des montants du revenu d'intégration. Des "
    "questions ? Contactez votre CPAS.",
    "de": "Das folgt aus der Indexierung der Beträge des Eingliederungseinkommens. Haben Sie "
    "Fragen? Wenden Sie sich an Ihr ÖSHZ.",
    "en": "This follows the indexation of the living-wage amounts. Any questions? Contact your "
    "welfare centre.",
}


def _language(language: str | None) -> str:
    return language if language in LOCALES else "nl"


@cache
def _money_pattern(language: str) -> tuple[str, str, str]:
    """(pattern with {} for the digits, grouping symbol, decimal symbol) of euro amounts in
    `language`, learnt once from Babel: formatting each amount with Babel would cost more than
    the whole recomputation of a large caseload."""
    sample = str(format_currency(Decimal("1234567.89"), "EUR", locale=LOCALES[language]))
    first, last = sample.index("1"), sample.rindex("9")
    digits = sample[first : last + 1]
    return sample[:first] + "{}" + sample[last + 1 :], digits[1], digits[-3]


@lru_cache(maxsize=1 << 16)
def _money(cents: int, language: str) -> str:
    """`cents` as Babel would write the amount in euro in `language`."""
    pattern, group, decimal = _money_pattern(language)
    whole = f"{cents // 100:,}".replace(",", group)
    return pattern.format(f"{whole}{decimal}{cents % 100:02d}")


@cache
def _day(on: date, language: str) -> str:
    return str(format_date(on, format="long", locale=LOCALES[language]))


def _plain(cents: int) -> str:
    return f"{cents // 100}.{cents % 100:02d}"


def amount_changed_message(
    language: str | None, on: date, changes: list[tuple[str, int, int]]
) -> dict[str, Any]:
    """The outbox payload for one citizen: for each (reference, old cents, new cents), the old
    and new monthly amount, with a subject and text in the citizen's language."""
    lang = _language(language)
    lines = [
        LINES[lang].format(
            reference=reference,
            date=_day(on, lang),
            old=_money(old, lang),
            new=_money(new, lang),
        )
        for reference, old, new in changes
    ]
    return {
        "language": lang,
        "on": on.isoformat(),
        "subject": SUBJECTS[lang],
        "text": "\n".join([*lines, CLOSINGS[lang]]),
        "dossiers": [
            {
                "reference": reference,
                "old_amount_eur": _plain(old),
                "new_amount_eur": _plain(new),
            }
            for reference, old, new in changes
        ],
    }
