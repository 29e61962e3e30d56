"""A conflict's evidence in the reader's language: the detector writes each comparison as an
English phrase ("family name Jaro-Winkler 0.96 (VANDENBROECK ~ Van den Broeck)"); the page shows
it translated, with the compared values as written. A phrase it does not know stays in English
and is marked so (`lang="en"`), never dropped."""

import re
from collections.abc import Callable
from dataclasses import dataclass

from loket.texts import N_
from loket.web import i18n

# The two values compared, as the claims carry them: " (85073003328 ~ 85073003382)".
_VALUES = re.compile(r" \(([^()~]*) ~ ([^()~]*)\)")
_CLAIM = re.compile(r"^claim (\S+) without")
_NUMBER = re.compile(r"\b\d+(?:\.\d+)?\b")

# Every phrase of loket.linkage.evidence, .outcomes and .pseudonymised_model, with the values
# taken out and a figure as %(value)s (a claim id as %(claim)s).
PHRASES = frozenset(
    (
        N_("INSZ equal"),
        N_("INSZ different, both valid: counter-evidence"),
        N_("INSZ one digit off or two digits swapped"),
        N_("INSZ different"),
        N_("INSZ missing on one claim"),
        N_("family name equal"),
        N_("family name equal without particles"),
        N_("given and family names swapped"),
        N_("family name Jaro-Winkler %(value)s"),
        N_("family name different"),
        N_("family name missing on one claim"),
        N_("given names equal"),
        N_("same given names in another order"),
        N_("first given name equal"),
        N_("a given name in common"),
        N_("first given name Jaro-Winkler %(value)s"),
        N_("first given name one letter off"),
        N_("given names different"),
        N_("given names missing on one claim"),
        N_("birth date equal"),
        N_("birth date with day and month transposed"),
        N_("birth date one character off"),
        N_("birth year equal"),
        N_("birth date different"),
        N_("birth date missing on one claim"),
        N_("sex equal"),
        N_("sex different"),
        N_("sex unknown"),
        N_("same postcode and street"),
        N_("same postcode"),
        N_("different address (weak evidence)"),
        N_("address missing on one claim"),
        N_("no INSZ on one claim"),
        N_("INSZ different and not a typo"),
        N_("%(value)s people with different valid INSZ in this file"),
        N_("about %(value)s people in Belgium share this name and birth date"),
        N_("linked only through other claims"),
        N_("claim %(claim)s without INSZ links to two people with different valid INSZ"),
        N_("INSZ key equal"),
        N_("INSZ both valid and different"),
        N_("INSZ near: Bloom-filter Dice %(value)s"),
        N_("INSZ different: Bloom-filter Dice %(value)s"),
        N_("family name Bloom-filter Dice %(value)s"),
        N_("family and given names swapped: Dice %(value)s"),
        N_("family name different: Dice %(value)s"),
        N_("given names Bloom-filter Dice %(value)s"),
        N_("given names different: Dice %(value)s"),
        N_("birth date key equal"),
        N_("birth date equal with day and month swapped"),
        N_("birth year and month equal, day different"),
        N_("postcode equal"),
        N_("postcode different"),
    )
)


@dataclass(frozen=True)
class EvidenceLine:
    text: str
    # "en" when the phrase is unknown and shown as the detector wrote it.
    language: str | None


def evidence_lines(
    evidence: str, gettext: Callable[[str], str], language: str
) -> list[EvidenceLine]:
    """The evidence, one comparison to a line, in `language` where the phrase is known."""
    return [_line(part.strip(), gettext, language) for part in evidence.split(";") if part.strip()]


def _line(phrase: str, gettext: Callable[[str], str], language: str) -> EvidenceLine:
    values = _VALUES.search(phrase)
    stem = _VALUES.sub("", phrase)
    fields: dict[str, str] = {}
    claim = _CLAIM.match(stem)
    if claim is not None:
        fields["claim"] = claim.group(1)
        stem = _CLAIM.sub("claim %(claim)s without", stem)
    number = _NUMBER.search(stem)
    if number is not None:
        fields["value"] = _figure(number.group(0), language)
        stem = _NUMBER.sub("%(value)s", stem, count=1)
    if stem not in PHRASES:
        return EvidenceLine(phrase, None if language == "en" else "en")
    text = gettext(stem) % fields if fields else gettext(stem)
    if values is not None:
        text += f" ({values.group(1)} ~ {values.group(2)})"
    return EvidenceLine(text, None)


def _figure(value: str, language: str) -> str:
    if "." not in value:
        return value
    decimals = len(value.split(".")[1])
    return i18n.format_number(float(value), language, "0." + "0" * decimals)
