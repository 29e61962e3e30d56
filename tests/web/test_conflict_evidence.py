"""Every phrase the detector writes into a conflict's evidence is known to the page, which shows
it in the reader's language with the compared values as written; an unknown one stays English."""

import pytest

from loket.linkage import evidence
from loket.linkage.pseudonymised_model import COMPARISONS
from loket.web.i18n import translations
from loket.web.pages.conflict_evidence import evidence_lines

PAIR = {
    **{f"{column}_{side}": f"{column}-{side}" for column in ("insz", "birth_ymd") for side in "lr"},
    "family_name_original_l": "VANDENBROECK",
    "family_name_original_r": "Van den Broeck",
    "given_names_original_l": "An",
    "given_names_original_r": "Anna",
    "family_name_jw": 0.96,
    "given_first_jw": 0.91,
}


def clear_text_phrases() -> list[str]:
    phrases = []
    for phrase in evidence.PHRASES:
        for gamma in range(-1, 8):
            name = phrase.__name__.removesuffix("_phrase")
            gammas = {f"gamma_{n}": gamma for n in (name, "insz", "birth_date")}
            phrases.append(phrase({**PAIR, **gammas}))
    return phrases


def hub_phrases() -> list[str]:
    return [
        level.wording.format(dice=0.93)
        for _column, levels in COMPARISONS.values()
        for level in levels
    ]


def doubt_phrases() -> list[str]:
    return [
        "no INSZ on one claim",
        "INSZ different and not a typo",
        "3 people with different valid INSZ in this file",
        "about 0.07 people in Belgium share this name and birth date",
        "linked only through other claims",
        "claim BXL-001 without INSZ links to two people with different valid INSZ",
    ]


@pytest.mark.parametrize("language", ["nl", "fr", "de"])
def test_every_phrase_of_the_detector_is_translated(language: str) -> None:
    gettext = translations(language).gettext
    text = "; ".join(clear_text_phrases() + hub_phrases() + doubt_phrases())
    untranslated = [line.text for line in evidence_lines(text, gettext, language) if line.language]
    assert untranslated == []


def test_the_values_are_kept_and_figures_written_as_the_reader_does() -> None:
    gettext = translations("fr").gettext
    text = "family name Jaro-Winkler 0.96 (VANDENBROECK ~ Van den Broeck); something new"
    known, unknown = evidence_lines(text, gettext, "fr")
    assert "0,96" in known.text and known.text.endswith("(VANDENBROECK ~ Van den Broeck)")
    assert known.language is None and "Jaro-Winkler" in known.text
    assert (unknown.text, unknown.language) == ("something new", "en")
    assert evidence_lines("something new", gettext, "en")[0].language is None
