"""The expected-turnover model: turnover against what the dossier's own inputs predict for its
sector in its area, area effects shrunk towards the wider area, explained in four languages."""

import re
from collections import Counter
from typing import Any

import numpy as np
import pytest

from loket.control.explain import LANGUAGES
from tests.control.dossier_factory import (
    MARKUP,
    TURNOVER_PER_M2,
    WAGE_PER_EMPLOYEE,
    dossier,
    postcodes_in,
    score_rows,
)

WEST_FLANDERS, LUXEMBOURG, ARLON = "30000", "80000", "81000"


def bakeries(
    prefix: str, postcodes: list[str], count: int, seed: int, *, price: float = 1.0
) -> list[dict[str, Any]]:
    """Honest bakeries of many sizes: purchases follow the volume closely, wages and floor
    area only loosely; local prices move turnover alone."""
    rng = np.random.default_rng(seed)
    rows = []
    for i in range(count):
        employees = int(rng.integers(0, 9))
        volume = 100_000.0 * (employees + 1) * float(np.exp(rng.normal(0.0, 0.25)))
        noisy = np.exp(rng.normal(0.0, 0.35, 2))
        rows.append(
            dossier(
                f"{prefix}{i:04d}",
                postcodes[i % len(postcodes)],
                employees=employees,
                index=seed * 10_000 + i,
                turnover_eur=round(volume * price, 2),
                purchases_eur=round(volume / MARKUP * float(np.exp(rng.normal(0.0, 0.03))), 2),
                wage_bill_eur=round(max(employees, 1) * WAGE_PER_EMPLOYEE * noisy[0], 2),
                floor_area_m2=round(volume / TURNOVER_PER_M2 * noisy[1], 1),
            )
        )
    return rows


def hide(row: dict[str, Any], share: float) -> dict[str, Any]:
    return row | {"turnover_eur": round(row["turnover_eur"] * (1 - share), 2)}


def test_an_under_declarer_shown_by_its_purchases_ranks_first_while_other_ratios_are_noisy() -> (
    None
):
    rows = bakeries("B", postcodes_in("province", WEST_FLANDERS), 150, seed=1)
    rows[7] = hide(rows[7], 0.2)
    scored = score_rows(rows, top=3, model="expected")

    hider = scored["B0007"]
    assert hider["rank"] == 1
    assert hider["selection"] == "risk"
    assert hider["expected_gap"] == pytest.approx(0.2, abs=0.05)
    assert hider["expected_turnover_eur"] == pytest.approx(
        hider["turnover_eur"] / (1 - hider["expected_gap"]), rel=1e-3
    )


def test_a_cheaper_region_gets_its_share_of_the_selection_not_more() -> None:
    flanders = bakeries("F", postcodes_in("province", WEST_FLANDERS), 200, seed=2)
    wallonia = bakeries("W", postcodes_in("province", LUXEMBOURG), 200, seed=3, price=0.85)
    rows = [hide(row, 0.3) if i % 20 == 0 else row for i, row in enumerate(flanders)]
    rows += [hide(row, 0.3) if i % 20 == 0 else row for i, row in enumerate(wallonia)]
    scored = score_rows(rows, top=20, model="expected")

    chosen = [row for row in scored.values() if row["selection"] == "risk"]
    by_region = Counter(row["dossier_id"][0] for row in chosen)
    # Equal populations, equal shares of hiders: about half the selection each.
    assert 8 <= by_region["F"] <= 12 and 8 <= by_region["W"] <= 12
    hiders = {row["dossier_id"] for row in rows if row["dossier_id"][1:] in _every_20th()}
    assert sum(row["dossier_id"] in hiders for row in chosen) >= 18


def _every_20th() -> set[str]:
    return {f"{i:04d}" for i in range(0, 200, 20)}


def test_an_arrondissement_with_three_dossiers_takes_its_provinces_price_level() -> None:
    flanders = bakeries("F", postcodes_in("province", WEST_FLANDERS), 120, seed=4)
    others = [code for code in postcodes_in("province", LUXEMBOURG) if code not in ARLON_CODES]
    luxembourg = bakeries("L", others, 120, seed=5, price=0.85)
    arlon = bakeries("A", ARLON_CODES, 3, seed=6, price=0.85)
    scored = score_rows([*flanders, *luxembourg, *arlon], top=5, model="expected")

    for row in arlon:
        result = scored[row["dossier_id"]]
        # Against the country it would be 15% below; against its province it is in line.
        assert abs(result["expected_gap"]) < 0.06, result["expected_gap"]
        assert result["selection"] is None


ARLON_CODES = postcodes_in("arrondissement", ARLON)

# The hidden quarter, give or take the noise of the honest inputs.
PERCENT = {
    "en": r"(\d+)% below",
    "nl": r"(\d+)% onder",
    "fr": r"inférieur de (\d+) %",
    "de": r"(\d+) % unter",
}
NAMED = {
    "en": ("purchases", "staff", "wage bill"),
    "nl": ("de aankopen", "het personeel", "de loonmassa"),
    "fr": ("ses achats", "son personnel", "sa masse salariale"),
    "de": ("Einkäufe", "Personal", "Lohnsumme"),
}
NOT_NAMED = {"en": "floor area", "nl": "oppervlakte", "fr": "surface", "de": "Fläche"}
SECTOR_AND_AREA = {
    "en": "for bakeries in arrondissement Brugge.",
    "nl": "bij bakkerijen in arrondissement Brugge.",
    "fr": "pour les boulangeries de l'arrondissement Bruges.",
    "de": "bei Bäckereien in Bezirk Brugge erwarten lassen.",
}


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_explanation_names_the_shortfall_and_only_the_inputs_present(language: str) -> None:
    rows = bakeries("B", postcodes_in("arrondissement", "31000"), 120, seed=7)
    rows[3] = hide(rows[3], 0.25) | {"floor_area_m2": None}
    text = score_rows(rows, top=2, model="expected", language=language)["B0003"]["explanation"]

    shortfall = re.search(PERCENT[language], text)
    assert shortfall is not None and 20 <= int(shortfall.group(1)) <= 30, text
    assert all(word in text for word in NAMED[language]), text
    assert NOT_NAMED[language] not in text, text
    assert text.endswith(SECTOR_AND_AREA[language]), text


def test_ratios_and_peer_give_the_old_peer_score_and_expected_its_own() -> None:
    rows = bakeries("B", postcodes_in("province", WEST_FLANDERS), 80, seed=8)
    rows[0] = hide(rows[0], 0.3)
    ratios = score_rows(rows, top=3, model="ratios")
    peer = score_rows(rows, top=3, model="peer")
    expected = score_rows(rows, top=3, model="expected")

    for dossier_id, row in ratios.items():
        assert row["score"] == row["peer_score"] == peer[dossier_id]["score"]
        assert expected[dossier_id]["score"] == expected[dossier_id]["expected_score"]
        assert "Turnover is" not in row["explanation"]
