"""Peer features as an inspector would check them: the peer group named in an explanation is
real, small areas fall back to wider ones, and location normalises but never adds risk."""

from collections import Counter
from pathlib import Path
from typing import Any

import pyarrow.csv as pacsv
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from loket.control.dossiers import read_dossiers
from loket.control.explain import LOW
from loket.control.geography import area_name
from loket.control.score import ScoreOptions, score_dossiers
from loket.control.sectors import SECTORS
from loket.demo.enterprises import generate_dossiers
from tests.control.dossier_factory import (
    REFERENCE_YEAR,
    areas,
    dossier,
    honest_group,
    postcodes_in,
    score_rows,
)

RATIOS = ("markup", "turnover_per_worker", "turnover_per_wage", "turnover_per_m2")
LEVELS = ("arrondissement", "province", "region")
LIEGE, NAMUR, LUXEMBOURG, WEST_FLANDERS = "60000", "90000", "80000", "30000"


def _in_areas(prefix: str, arrondissements: list[str], each: int, seed: int) -> list[dict]:
    rows = []
    for i, refnis in enumerate(arrondissements):
        codes = postcodes_in("arrondissement", refnis)
        rows += honest_group(f"{prefix}{refnis}-", codes, each, seed + i)
    return rows


def _arrondissements_of(province: str) -> list[str]:
    return sorted({row["arrondissement_refnis"] for row in areas().values()
                   if row["province_refnis"] == province})  # fmt: skip


def _z(row: dict[str, Any]) -> list[float | None]:
    return [row[f"z_{code}"] for code in RATIOS]


def _area_phrase(level: str, refnis: str) -> str:
    name = "Belgium" if level == "country" else area_name(level, refnis, "en")
    return f"arrondissement {name}" if level == "arrondissement" else name


def test_explanations_name_the_true_peer_group(tmp_path: Path) -> None:
    path = tmp_path / "dossiers.csv"
    pacsv.write_csv(generate_dossiers(1500, seed=11, labels=False).table, path)
    min_peers = 12
    run = score_dossiers(
        path, ScoreOptions(min_peers=min_peers, neighbours=10, top=40, model="ratios")
    )
    # The truth, counted in plain Python from the file as read and the postal-code geography.
    counts: Counter[tuple[str, str, str]] = Counter()
    for row in read_dossiers(path).table.to_pylist():
        place = areas()[row["postcode"]]
        for level in LEVELS:
            counts[(row["sector"], level, place[f"{level}_refnis"])] += 1
        counts[(row["sector"], "country", "BE")] += 1

    selected = [row for row in run.table.to_pylist() if row["selected"]]
    assert len(selected) == 40
    for row in selected:
        place = areas()[row["postcode"]]
        level, refnis = next(
            ((lv, place[f"{lv}_refnis"]) for lv in LEVELS
             if counts[(row["sector"], lv, place[f"{lv}_refnis"])] >= min_peers),
            ("country", "BE"),
        )  # fmt: skip
        true_count = counts[(row["sector"], level, refnis)]
        assert (row["peer_level"], row["peer_area"], row["peer_count"]) == (
            level,
            refnis,
            true_count,
        )
        sector = SECTORS[row["sector"]].en
        assert f"{true_count} {sector} in {_area_phrase(level, refnis)}" in row["explanation"]
        if level != "arrondissement":
            home = place["arrondissement_refnis"]
            home_count = counts[(row["sector"], "arrondissement", home)]
            assert (
                f"Too few {sector} in {_area_phrase('arrondissement', home)} ({home_count}); "
                f"compared with {_area_phrase(level, refnis)}."
            ) in row["explanation"]


def test_a_small_arrondissement_is_compared_with_its_province() -> None:
    arlon = honest_group("ARL", postcodes_in("arrondissement", "81000"), 5, seed=2)
    rest = _in_areas("LUX", ["82000", "83000", "84000", "85000"], 10, seed=3)
    scored = score_rows([*arlon, *rest], min_peers=30, model="ratios")

    for row in arlon:
        result = scored[row["dossier_id"]]
        assert (result["peer_level"], result["peer_area"], result["peer_count"]) == (
            "province",
            LUXEMBOURG,
            45,
        )
        assert result["explanation"].endswith(
            "Too few bakeries in arrondissement Arlon (5); compared with Province du Luxembourg."
        )


def test_a_small_province_is_compared_with_its_region() -> None:
    namur = _in_areas("NAM", _arrondissements_of(NAMUR), 4, seed=4)
    liege = _in_areas("LIE", _arrondissements_of(LIEGE), 10, seed=5)
    scored = score_rows([*namur, *liege], min_peers=30, model="ratios")

    for row in namur:
        result = scored[row["dossier_id"]]
        assert (result["peer_level"], result["peer_area"], result["peer_count"]) == (
            "region",
            "03000",
            len(namur) + len(liege),
        )
        assert "compared with Région wallonne." in result["explanation"]


def test_a_sector_too_small_nationally_is_not_scored_nor_selected_for_risk() -> None:
    bakeries = honest_group("B", postcodes_in("province", WEST_FLANDERS), 60, seed=6)
    jewellers = honest_group("J", postcodes_in("region", "02000"), 8, seed=7, sector="47.77")
    # One jeweller hides 60% of its turnover: still nothing to compare it with.
    jewellers[0]["turnover_eur"] *= 0.4
    scored = score_rows([*bakeries, *jewellers], top=68, min_peers=30)

    for row in jewellers:
        result = scored[row["dossier_id"]]
        assert result["score"] is None
        assert result["selection"] != "risk"
        assert result["explanation"].startswith(
            "Not scored: 8 jewellers in Belgium, too few to compare with."
        )
    assert any(scored[row["dossier_id"]]["selection"] == "risk" for row in bakeries)


def test_a_sector_below_min_peers_nationally_is_not_scored() -> None:
    bakeries = honest_group("B", postcodes_in("province", WEST_FLANDERS), 60, seed=8)
    hairdressers = honest_group("H", postcodes_in("region", "02000"), 20, seed=9, sector="96.02")
    hairdressers[0]["turnover_eur"] *= 0.4
    scored = score_rows([*bakeries, *hairdressers], top=80, min_peers=30)

    assert all(scored[row["dossier_id"]]["score"] is None for row in hairdressers)
    assert all(scored[row["dossier_id"]]["selection"] != "risk" for row in hairdressers)


def _scaled(rows: list[dict], province: str, factor: float) -> list[dict]:
    """A price level: every amount in euro of the province's dossiers times `factor`."""
    scaled = []
    for row in rows:
        copy = dict(row)
        if areas()[row["postcode"]]["province_refnis"] == province:
            for name in ("turnover_eur", "purchases_eur", "wage_bill_eur"):
                if copy[name] is not None:
                    copy[name] = copy[name] * factor
        scaled.append(copy)
    return scaled


def _assert_same_z_and_selection(before: dict, after: dict) -> None:
    for dossier_id, row in before.items():
        assert _z(after[dossier_id]) == pytest.approx(_z(row), abs=1e-9), dossier_id
        assert after[dossier_id]["selection"] == row["selection"], dossier_id


# West Flanders and Luxembourg lie far apart: every peer group and every neighbourhood stays
# inside one province.
FAR_APART = _in_areas("WVL", _arrondissements_of(WEST_FLANDERS), 35, seed=20) + _in_areas(
    "LUX", _arrondissements_of(LUXEMBOURG), 35, seed=30
)


@settings(max_examples=4, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.sampled_from([0.7, 0.85, 1.15, 1.3, 1.6]))
def test_a_provincial_price_level_changes_no_z_score_and_no_selection(factor: float) -> None:
    before = score_rows(FAR_APART, top=40, model="ratios")
    after = score_rows(_scaled(FAR_APART, LUXEMBOURG, factor), top=40, model="ratios")
    _assert_same_z_and_selection(before, after)


# Liège borders Namur and Luxembourg: the nearest bakers of a dossier near the border lie on
# both sides of it.
NEIGHBOURING = [
    row
    for seed, province in enumerate((LIEGE, NAMUR, LUXEMBOURG))
    for row in _in_areas(f"P{province}-", _arrondissements_of(province), 40, seed=40 + 5 * seed)
]


@pytest.mark.parametrize("factor", [0.85, 1.3])
def test_a_price_level_in_one_province_leaves_its_neighbours_alone(factor: float) -> None:
    before = score_rows(NEIGHBOURING, top=40, model="ratios")
    after = score_rows(_scaled(NEIGHBOURING, LIEGE, factor), top=40, model="ratios")
    _assert_same_z_and_selection(before, after)


def test_a_dossier_at_its_peers_median_is_never_selected_anywhere() -> None:
    arrondissements = ["11000", "21000", "44000", "52000", "62000", "71000", "92000"]
    peers = _in_areas("P", arrondissements, 40, seed=50)
    typical = [
        dossier(f"M{refnis}-{i}", code, index=900 + i)
        for refnis in arrondissements
        for i, code in enumerate(postcodes_in("arrondissement", refnis)[:3])
    ]
    # Every place goes to whoever is eligible: only a ratio below its peers can take one.
    scored = score_rows([*peers, *typical], top=len(peers) + len(typical))

    assert any(row["selection"] == "risk" for row in scored.values())
    for row in typical:
        assert scored[row["dossier_id"]]["selection"] is None, row["postcode"]


def test_moving_a_dossier_among_peers_alike_does_not_select_it() -> None:
    # Antwerpen and Charleroi hold bakers with the same ratios, amount for amount.
    antwerp = honest_group("A", postcodes_in("arrondissement", "11000"), 40, seed=60)
    charleroi = [
        row | {"dossier_id": "C" + row["dossier_id"][1:], "postcode": code}
        for row, code in zip(
            honest_group("A", postcodes_in("arrondissement", "11000"), 40, seed=60),
            (postcodes_in("arrondissement", "52000") * 3)[:40],
            strict=True,
        )
    ]
    mover = dossier("MOVER", "2000", turnover_eur=380_000.0, index=999)
    at_home = score_rows([*antwerp, *charleroi, mover], top=81)["MOVER"]
    moved = score_rows([*antwerp, *charleroi, mover | {"postcode": "6000"}], top=81)["MOVER"]

    assert at_home["selection"] is None
    assert moved["selection"] is None
    assert (at_home["peer_area"], moved["peer_area"]) == ("11000", "52000")
    assert min(_z(moved)) > LOW


def _young_and_old(young_founded: int) -> list[dict]:
    old = honest_group("O", postcodes_in("province", "70000"), 80, seed=70)
    young = honest_group("Y", postcodes_in("province", "70000"), 30, seed=71,
                         founded_year=young_founded)  # fmt: skip
    for row in young:
        row["turnover_eur"] *= 0.75
    starter = dossier("STARTER", "3500", founded_year=young_founded, index=998)
    starter["turnover_eur"] *= 0.75
    return [*old, *young, starter]


def test_a_young_firm_as_low_as_other_young_firms_is_not_flagged() -> None:
    rows = _young_and_old(REFERENCE_YEAR - 1)
    starter = score_rows(rows, top=len(rows))["STARTER"]

    assert starter["selection"] is None
    assert min(_z(starter)) > LOW


def test_the_same_low_turnover_in_an_established_firm_is_flagged() -> None:
    rows = _young_and_old(REFERENCE_YEAR - 1)
    rows[-1]["founded_year"] = 2000
    starter = score_rows(rows, top=len(rows))["STARTER"]

    assert starter["selection"] == "risk"


def test_a_planted_under_declarer_ranks_first_and_its_low_ratios_are_named() -> None:
    honest = honest_group("H", postcodes_in("arrondissement", "44000"), 60, seed=80)
    hider = dossier("HIDER", "9000", index=997)
    hider["turnover_eur"] *= 0.6
    scored = score_rows([*honest, hider], top=3, model="ratios")["HIDER"]

    assert scored["rank"] == 1
    assert scored["selection"] == "risk"
    assert all(z < LOW for z in _z(scored))
    named = [
        label
        for label in (
            "Turnover per euro of purchases",
            "turnover per euro of purchases",
            "urnover per worker",
            "urnover per euro of wages",
            "urnover per m²",
        )
        if label in scored["explanation"]
    ]
    assert len(named) == 2, scored["explanation"]
    assert "61 bakeries in arrondissement Gent" in scored["explanation"]
