"""Explanations as the inspector reads them: in Dutch, French, German or English, honest about
random-sample picks, whole when names carry apostrophes, and never showing a missing value."""

import re
from pathlib import Path

import pyarrow.csv as pacsv
import pytest

from loket.control.score import ScoreOptions, score_dossiers
from loket.demo.enterprises import generate_dossiers
from tests.control.dossier_factory import dossier, honest_group, postcodes_in, score_rows

LANGUAGES = ("nl", "fr", "de", "en")
RANDOM_SAMPLE = {
    "en": "Chosen by random sample, not by risk",
    "nl": "Gekozen door steekproef, niet om een risico",
    "fr": "Choisi par échantillon aléatoire, non pour un risque",
    "de": "Durch Zufallsstichprobe gewählt, nicht wegen eines Risikos",
}


def _antwerp_computer_shops() -> list[dict]:
    """Computer shops ("magasins d'informatique"), too few in the arrondissement of Antwerp
    ("l'arrondissement d'Anvers"), so compared with the "Province d’Anvers"; one hides sales."""
    shops = honest_group("S", postcodes_in("arrondissement", "11000"), 12, 1, sector="47.41")
    shops += honest_group("T", postcodes_in("arrondissement", "12000"), 12, 2, sector="47.41")
    shops += honest_group("U", postcodes_in("arrondissement", "13000"), 12, 3, sector="47.41")
    hider = dossier("HIDER", "2000", sector="47.41", index=500)
    hider["turnover_eur"] *= 0.5
    return [*shops, hider]


def test_explanations_are_given_in_each_language_and_differ() -> None:
    rows = _antwerp_computer_shops()
    by_language = {
        language: score_rows(rows, top=3, language=language, model="ratios")["HIDER"]["explanation"]
        for language in LANGUAGES
    }

    assert len(set(by_language.values())) == 4
    assert by_language["en"].startswith("Turnover per")
    assert "computer shops" in by_language["en"]
    assert "computerwinkels" in by_language["nl"] and "de omzet" in by_language["nl"].lower()
    assert "magasins d'informatique" in by_language["fr"]
    assert "Computergeschäfte" in by_language["de"] and "Umsatz" in by_language["de"]


def test_names_with_apostrophes_survive_sql_quoting() -> None:
    hider = score_rows(_antwerp_computer_shops(), top=3, language="fr", model="ratios")["HIDER"]

    assert hider["selection"] == "risk"
    assert "Le chiffre d'affaires par " in hider["explanation"]
    assert "37 magasins d'informatique de Province d’Anvers" in hider["explanation"]
    assert hider["explanation"].endswith(
        "Trop peu de magasins d'informatique dans l'arrondissement Anvers (13) ; "
        "comparé avec Province d’Anvers."
    )


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_random_sample_pick_says_so(language: str) -> None:
    rows = honest_group("B", postcodes_in("province", "40000"), 80, 4)
    scored = score_rows(rows, top=10, random_share=0.5, seed=3, language=language)
    drawn = [row for row in scored.values() if row["selection"] == "random-sample"]

    assert len(drawn) == 5
    for row in drawn:
        assert row["explanation"].startswith(RANDOM_SAMPLE[language])
    others = [row for row in scored.values() if row["selection"] != "random-sample"]
    assert not any(RANDOM_SAMPLE[language] in row["explanation"] for row in others)


@pytest.mark.parametrize("language", LANGUAGES)
def test_explanations_never_show_a_missing_value(tmp_path: Path, language: str) -> None:
    # Generated dossiers leave wage bills and floor areas empty, and hold tiny sectors.
    path = tmp_path / "dossiers.csv"
    pacsv.write_csv(generate_dossiers(900, seed=9).table, path)
    options = ScoreOptions(min_peers=10, neighbours=10, top=60, language=language)
    explanations = score_dossiers(path, options).table.column("explanation").to_pylist()

    assert len(explanations) == 900
    missing = re.compile(r"\b(None|nan|NaN|NULL|null|inf)\b|\{|\}")
    for text in explanations:
        assert text and not missing.search(text), text
