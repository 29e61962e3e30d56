"""The evidence of a conflict in words: which fields agreed, and how.

"INSZ equal; birth date equal; family name Jaro-Winkler 0.96 (VANDENBROECK ~ Van den Broeck)".
Each phrase reads the comparison level Splink put the pair in (its gamma value) and the two
values compared, so a case worker sees why two claims were taken for one person.
"""

from collections.abc import Mapping

Pair = Mapping[str, object]


def _both(pair: Pair, column: str) -> str:
    return f"({pair.get(column + '_l') or '?'} ~ {pair.get(column + '_r') or '?'})"


def _names(pair: Pair, column: str) -> str:
    """The names as each OCMW wrote them, shown only where they differ."""
    left, right = pair.get(column + "_l"), pair.get(column + "_r")
    return "" if left == right else f" ({left} ~ {right})"


def _score(pair: Pair, column: str) -> str:
    value = pair.get(column)
    return f"{float(value):.2f}" if isinstance(value, int | float) else "?"


def _insz_differ(pair: Pair) -> str:
    """Different numbers; named where one does not carry its claim's birth date (see
    `loket.linkage.standardise`): most likely a family member's number."""
    foreign = [
        str(pair.get(f"insz_{side}"))
        for side in ("l", "r")
        if pair.get(f"insz_birth_agrees_{side}") is False
    ]
    if foreign:
        return (
            f"INSZ different {_both(pair, 'insz')}, but {' and '.join(foreign)} does not carry"
            " the birth date of its claim (a family member's number?)"
        )
    return f"INSZ different {_both(pair, 'insz')}"


def insz_phrase(pair: Pair) -> str:
    return {
        3: "INSZ equal",
        2: f"INSZ different, both valid {_both(pair, 'insz')}: counter-evidence",
        1: f"INSZ one digit off or two digits swapped {_both(pair, 'insz')}",
        0: _insz_differ(pair),
    }.get(_gamma(pair, "insz"), "INSZ missing on one claim")


def family_name_phrase(pair: Pair) -> str:
    written = _names(pair, "family_name_original")
    return {
        5: f"family name equal{written}",
        4: f"family name equal without particles{written}",
        3: f"given and family names swapped{written}",
        2: f"family name Jaro-Winkler {_score(pair, 'family_name_jw')}{written}",
        1: f"family name Jaro-Winkler {_score(pair, 'family_name_jw')}{written}",
        0: f"family name different{written}",
    }.get(_gamma(pair, "family_name"), "family name missing on one claim")


def given_names_phrase(pair: Pair) -> str:
    written = _names(pair, "given_names_original")
    return {
        7: f"given names equal{written}",
        6: f"same given names in another order{written}",
        5: f"given and family names swapped{written}",
        4: f"first given name equal{written}",
        3: f"a given name in common{written}",
        2: f"first given name Jaro-Winkler {_score(pair, 'given_first_jw')}{written}",
        1: f"first given name one letter off{written}",
        0: f"given names different{written}",
    }.get(_gamma(pair, "given_names"), "given names missing on one claim")


def birth_date_phrase(pair: Pair) -> str:
    return {
        4: "birth date equal",
        3: f"birth date with day and month transposed {_both(pair, 'birth_ymd')}",
        2: f"birth date one character off {_both(pair, 'birth_ymd')}",
        1: f"birth year equal {_both(pair, 'birth_ymd')}",
        0: f"birth date different {_both(pair, 'birth_ymd')}",
    }.get(_gamma(pair, "birth_date"), "birth date missing on one claim")


def sex_phrase(pair: Pair) -> str:
    return {1: "sex equal", 0: "sex different"}.get(_gamma(pair, "sex"), "sex unknown")


def address_phrase(pair: Pair) -> str:
    return {
        2: "same postcode and street",
        1: "same postcode",
        0: "different address (weak evidence)",
    }.get(_gamma(pair, "address"), "address missing on one claim")


PHRASES = [
    insz_phrase,
    birth_date_phrase,
    family_name_phrase,
    given_names_phrase,
    sex_phrase,
    address_phrase,
]


def _gamma(pair: Pair, name: str) -> int:
    value = pair.get(f"gamma_{name}")
    return int(value) if isinstance(value, int) else -1


def clear_text_evidence(pair: Pair) -> str:
    """All comparisons of a scored pair in words, strongest first."""
    return "; ".join(phrase(pair) for phrase in PHRASES)
