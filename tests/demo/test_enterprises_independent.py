"""The independent enterprise generator: the same bytes for a seed, a file the scorer's reader
accepts whole, the same share of under-reporters in every region, a truth that matches the
dossiers, and each mechanism leaving the trace it is designed to leave."""

import csv
import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import typer
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from loket.cli.control_demo import register
from loket.control.dossiers import DOSSIER_COLUMNS, LABEL_COLUMNS, read_dossiers
from loket.control.geography import postcode_areas
from loket.demo.enterprises import GeneratedDossiers, write_dossiers_csv
from loket.demo.enterprises_independent import (
    MECHANISMS,
    TRUTH_COLUMNS,
    generate_independent_dossiers,
)

SIZE = 6_000


@pytest.fixture(scope="module")
def generated() -> GeneratedDossiers:
    return generate_independent_dossiers(SIZE, seed=5, planted_share=0.1)


@pytest.fixture(scope="module")
def joined(generated: GeneratedDossiers) -> pd.DataFrame:
    return pd.concat(
        [generated.table.to_pandas(), generated.truth.to_pandas().drop(columns="dossier_id")],
        axis=1,
    )


def test_the_same_seed_gives_the_same_dossiers_and_another_seed_others() -> None:
    first = generate_independent_dossiers(800, seed=3)
    again = generate_independent_dossiers(800, seed=3)
    other = generate_independent_dossiers(800, seed=4)
    assert first.table.equals(again.table)
    assert first.truth.equals(again.truth)
    assert not first.table.equals(other.table)


def test_the_scorer_reader_accepts_every_row(generated: GeneratedDossiers, tmp_path: Path) -> None:
    out = tmp_path / "dossiers.csv"
    truth = write_dossiers_csv(out, generated)
    read = read_dossiers(out)
    assert generated.table.column_names == DOSSIER_COLUMNS + LABEL_COLUMNS
    assert (read.rows, read.rejected, read.labelled) == (SIZE, 0, True)
    with truth.open(encoding="utf-8", newline="") as file:
        assert next(csv.reader(file)) == list(TRUTH_COLUMNS)


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    share=st.floats(min_value=0.0, max_value=0.5),
    seed=st.integers(min_value=0, max_value=10_000),
)
def test_every_region_has_the_same_share_of_under_reporters(share: float, seed: int) -> None:
    truth = generate_independent_dossiers(1_500, seed, planted_share=share).truth.to_pandas()
    for _region, rows in truth.groupby("region_refnis"):
        assert rows["planted"].sum() == round(share * len(rows))


def test_the_truth_matches_the_dossiers(generated: GeneratedDossiers, joined: pd.DataFrame) -> None:
    assert generated.truth["dossier_id"].equals(generated.table["dossier_id"])
    regions = dict(
        zip(
            postcode_areas()["postcode"].to_pylist(),
            postcode_areas()["region_refnis"].to_pylist(),
            strict=True,
        )
    )
    assert (joined["postcode"].map(regions) == joined["region_refnis"]).all()
    planted = joined["planted"]
    assert set(joined.loc[planted, "mechanism"]) == set(MECHANISMS)
    assert (joined.loc[~planted, "mechanism"] == "").all()
    assert (joined.loc[~planted, "hidden_share"] == 0).all()
    assert joined.loc[planted, "hidden_share"].between(0.05, 0.95).all()
    # Past controls: only controlled dossiers carry an adjustment, and most under-reporters
    # a control met were found.
    controlled = joined["controlled"]
    assert joined.loc[~controlled, "adjustment_eur"].isna().all()
    met = joined[controlled & planted]
    assert (met["adjustment_eur"] > 0).mean() > 0.7


def _centred(joined: pd.DataFrame, values: pd.Series) -> pd.Series:
    """A log ratio minus its median among the honest dossiers of the same sector."""
    sector = joined["nace_code"].str.replace(".", "", regex=False)
    honest = values.where(~joined["planted"])
    return values - honest.groupby(sector).transform("median")


def test_each_mechanism_shows_where_it_is_designed_to(joined: pd.DataFrame) -> None:
    markup = _centred(joined, np.log(joined["turnover_eur"] / joined["purchases_eur"]))
    per_wage = _centred(joined, np.log(joined["turnover_eur"] / joined["wage_bill_eur"]))
    per_worker = _centred(joined, np.log(joined["turnover_eur"] / (joined["employees"] + 1)))
    by = joined["mechanism"]
    honest = by == ""
    # Hidden sales: turnover low against purchases.
    assert markup[by == "hidden-sales"].median() < markup[honest].median() - 0.15
    # Inflated purchases: the markup looks normal, turnover is low against the wage bill.
    assert abs(markup[by == "inflated-purchases"].median() - markup[honest].median()) < 0.1
    assert per_wage[by == "inflated-purchases"].median() < per_wage[honest].median() - 0.15
    # Unreported staff: per worker it looks normal, against purchases it does not.
    assert abs(per_worker[by == "unreported-staff"].median() - per_worker[honest].median()) < 0.1
    assert markup[by == "unreported-staff"].median() < markup[honest].median() - 0.15


def _cli() -> typer.Typer:
    app = typer.Typer()
    register(app)

    @app.callback()
    def control() -> None:
        """Stands in for `loket control`."""

    return app


def test_the_command_writes_the_independent_dossiers_and_their_truth(tmp_path: Path) -> None:
    out = tmp_path / "dossiers.csv"
    args = ["generate", "--generator", "independent", "--dossiers", "300", "--out", str(out)]
    result = CliRunner().invoke(_cli(), [*args, "--json"])
    assert result.exit_code == 0, result.output
    summary = json.loads(result.stdout)
    assert (summary["generator"], summary["dossiers"]) == ("independent", 300)
    truth = pd.read_csv(summary["truth"], dtype={"region_refnis": str})
    assert list(truth.columns) == list(TRUTH_COLUMNS)
    assert read_dossiers(out).rejected == 0


def test_the_command_names_an_unknown_generator(tmp_path: Path) -> None:
    args = ["generate", "--generator", "mine", "--dossiers", "5", "--out", str(tmp_path / "x.csv")]
    result = CliRunner().invoke(_cli(), args)
    assert result.exit_code != 0
    assert "--generator" in result.output
    assert not (tmp_path / "x.csv").exists()
