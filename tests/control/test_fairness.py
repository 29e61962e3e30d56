"""The fairness report: selection rates per region, province and office with Wilson intervals,
hit and false-positive rates where control outcomes are known, and the region parity."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from loket.control.fairness import FairnessInputError, fairness_report, wilson_interval
from tests.control.scored_factory import postcodes_in_region, scored_row, scored_table

FLANDERS, WALLONIA, BRUSSELS = "02000", "03000", "04000"


def _region_rows(region: str, dossiers: int, selected: int, **fields: object) -> list[dict]:
    codes = postcodes_in_region(region)
    return [
        scored_row(
            codes[i % len(codes)],
            f"{region}-{i}",
            selected=i < selected,
            score=1.0 if i < selected else 0.0,
            **fields,
        )
        for i in range(dossiers)
    ]


def _report(*counts: tuple[str, int, int]):
    rows = [row for region, n, k in counts for row in _region_rows(region, n, k)]
    return fairness_report(scored_table(rows))


def test_a_region_selected_twice_as_often_lowers_the_parity() -> None:
    even = _report((FLANDERS, 40, 10), (WALLONIA, 40, 10), (BRUSSELS, 20, 5))
    skewed = _report((FLANDERS, 40, 20), (WALLONIA, 40, 10), (BRUSSELS, 20, 5))

    assert even.region_parity == pytest.approx(1.0)
    assert even.demographic_parity_ratio == pytest.approx(1.0)
    assert skewed.region_parity == pytest.approx(0.5)
    assert skewed.demographic_parity_ratio == pytest.approx(0.5)
    assert [
        (g.name, g.dossiers, g.selected, g.selection_rate) for g in skewed.at_level("region")
    ] == [
        ("Vlaams Gewest", 40, 20, 0.5),
        ("Région wallonne", 40, 10, 0.25),
        ("Brussels Hoofdstedelijk Gewest / Région de Bruxelles-Capitale", 20, 5, 0.25),
    ]
    flanders = skewed.at_level("region")[0]
    assert flanders.population_share == pytest.approx(0.4)
    assert flanders.selected_share == pytest.approx(20 / 35)


def test_groups_are_named_for_a_manager_at_every_level() -> None:
    report = _report((FLANDERS, 12, 3), (BRUSSELS, 8, 2))

    assert {g.level for g in report.groups} == {"region", "province", "office"}
    offices = {g.group: g.name for g in report.at_level("office")}
    assert offices["fin-brussel"] == "FOD Financiën / SPF Finances Brussel"
    assert all(not name.startswith("fin-") for name in offices.values())
    provinces = {g.group: g.name for g in report.at_level("province")}
    assert provinces["04000"].startswith("Brussels Hoofdstedelijk Gewest")
    # Every dossier is counted once per level.
    for level in ("region", "province", "office"):
        assert sum(g.dossiers for g in report.at_level(level)) == 20
        assert sum(g.selected for g in report.at_level(level)) == 5


def test_hit_and_false_positive_rates_come_from_controlled_dossiers_only() -> None:
    flanders = postcodes_in_region(FLANDERS)[0]
    rows = []
    # Selected and controlled: 6 hits, 4 without adjustment.
    for i in range(10):
        rows.append(
            scored_row(
                flanders,
                f"s{i}",
                selected=True,
                score=2.0,
                controlled=True,
                adjustment_eur=5000.0 if i < 6 else 0.0,
            )
        )
    # Not selected but controlled (random or earlier controls): 2 hits, 8 without.
    for i in range(10):
        rows.append(
            scored_row(flanders, f"u{i}", controlled=True, adjustment_eur=800.0 if i < 2 else 0.0)
        )
    # Never controlled: counted for selection, not for hit rates.
    rows += [scored_row(flanders, f"n{i}", selected=i < 3, controlled=False) for i in range(10)]

    report = fairness_report(scored_table(rows))
    region = report.at_level("region")[0]

    assert report.labelled
    assert (region.dossiers, region.selected) == (30, 13)
    assert (region.selected_controlled, region.selected_hits) == (10, 6)
    assert region.hit_rate == pytest.approx(0.6)
    assert region.hit_low < 0.6 < region.hit_high
    assert (region.controlled_not_hit, region.selected_not_hit) == (12, 4)
    assert region.false_positive_rate == pytest.approx(4 / 12)
    assert region.false_positive_low < 4 / 12 < region.false_positive_high


def test_without_control_outcomes_only_selection_is_reported() -> None:
    rows = _region_rows(FLANDERS, 10, 2)
    table = scored_table(rows).drop_columns(["controlled", "adjustment_eur"])
    report = fairness_report(table)

    assert not report.labelled
    row = report.to_rows()[0]
    assert row["selection_rate"] == pytest.approx(0.2)
    assert row["hit_rate"] is None and row["false_positive_rate"] is None


def test_no_selection_has_no_parity_figure() -> None:
    report = _report((FLANDERS, 10, 0), (WALLONIA, 10, 0))

    assert report.region_parity is None
    assert report.demographic_parity_ratio is None
    assert report.at_level("region")[0].selected_share is None


def test_a_table_without_the_office_column_is_refused_by_name() -> None:
    table = scored_table(_region_rows(FLANDERS, 3, 1)).drop_columns(["office_id"])

    with pytest.raises(FairnessInputError, match="office_id"):
        fairness_report(table)


def test_wilson_interval_known_values() -> None:
    half = wilson_interval(5, 10)
    none = wilson_interval(0, 10)
    assert half is not None and none is not None
    assert (round(half.low, 4), round(half.high, 4)) == (0.2366, 0.7634)
    assert (none.low, round(none.high, 4)) == (0.0, 0.2775)
    assert wilson_interval(0, 0) is None


@given(st.integers(min_value=1, max_value=5000), st.data())
def test_wilson_interval_contains_the_rate(trials: int, data: st.DataObject) -> None:
    successes = data.draw(st.integers(min_value=0, max_value=trials))
    interval = wilson_interval(successes, trials)
    assert interval is not None
    assert 0.0 <= interval.low <= successes / trials <= interval.high <= 1.0


@given(st.integers(min_value=1, max_value=200), st.integers(min_value=0, max_value=20))
def test_wilson_interval_narrows_with_more_dossiers(trials: int, tenths: int) -> None:
    successes = trials * min(tenths, 10) // 10
    small = wilson_interval(successes, trials)
    large = wilson_interval(successes * 4, trials * 4)
    assert small is not None and large is not None
    assert large.high - large.low < small.high - small.low
