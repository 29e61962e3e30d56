"""The model learned from past controls: monotone in every ratio, fitted only where enough
controls exist, reproducible, and used by `auto` only where it finds held-out hits better."""

from collections.abc import Mapping
from dataclasses import replace
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from loket.cli.main import app
from loket.control import score as score_module
from loket.control.dossiers import read_dossiers
from loket.control.learned import (
    MIN_CONTROLLED,
    MIN_HITS,
    LearnedModel,
    learn_from_past_controls,
    learned_scores,
)
from loket.control.register import INDICATOR_CODES, MODEL_VERSION
from loket.control.score import ScoredRun, ScoreOptions, ScoringError, score_dossiers
from loket.demo.enterprises import generate_dossiers, write_dossiers_csv

INDICATORS = INDICATOR_CODES
Z_COLUMNS = [f"z_{code}" for code in INDICATORS]
SEED = 5
# 7,000 dossiers of which 8% were controlled: just over MIN_CONTROLLED past controls; a tenth
# planted under-declarers gives well over MIN_HITS hits among them.
LABELLED_DOSSIERS = 7000
PLANTED_SHARE = 0.1


def past_controls(controlled: int, hits: int, *, uncontrolled: int = 0, seed: int = 0) -> pa.Table:
    """z-scores of dossiers and their control outcome: the `hits` controlled dossiers with the
    lowest markup and turnover per worker (plus noise) were found to under-declare. A third of
    the floor areas are missing, as in real files."""
    rng = np.random.default_rng(seed)
    n = controlled + uncontrolled
    z = {column: rng.normal(0.0, 1.0, n) for column in Z_COLUMNS}
    missing_floor = rng.random(n) < 1 / 3
    risk = -(z["z_markup"] + 0.6 * z["z_turnover_per_worker"]) + rng.normal(0.0, 0.7, n)
    risk[controlled:] = -np.inf  # the uncontrolled rows are never hits
    is_hit = np.zeros(n, dtype=bool)
    is_hit[np.argsort(-risk)[:hits]] = True
    stacked = np.column_stack([z[c] for c in Z_COLUMNS])
    stacked[missing_floor, Z_COLUMNS.index("z_turnover_per_m2")] = np.nan
    present = ~np.isnan(stacked)
    peer = -np.nansum(stacked, axis=1) / np.sqrt(present.sum(axis=1))
    is_controlled = np.arange(n) < controlled
    columns: dict[str, pa.Array] = {
        c: pa.array(stacked[:, i], pa.float64(), mask=~present[:, i])
        for i, c in enumerate(Z_COLUMNS)
    }
    # Uncontrolled dossiers: half say false, half leave the column empty.
    columns["controlled"] = pa.array(
        is_controlled, pa.bool_(), mask=~is_controlled & (np.arange(n) % 2 == 0)
    )
    columns["adjustment_eur"] = pa.array(
        np.where(is_hit, 1_500.0, 0.0), pa.float64(), mask=~is_controlled
    )
    columns["peer_score"] = pa.array(peer, pa.float64())
    return pa.table(columns)


def one_row(values: Mapping[str, float | None]) -> pa.Table:
    return pa.table({c: pa.array([values[c]], pa.float64()) for c in Z_COLUMNS})


def just_enough() -> pa.Table:
    """Exactly the fewest past controls and hits learned from, among uncontrolled dossiers."""
    return past_controls(MIN_CONTROLLED, MIN_HITS, uncontrolled=300, seed=1)


@pytest.fixture(scope="module")
def learned() -> LearnedModel:
    model = learn_from_past_controls(just_enough(), INDICATORS, SEED)
    assert model is not None
    return model


def test_the_model_learned_that_a_low_markup_means_risk(learned: LearnedModel) -> None:
    # Without this the monotonicity below could hold for a model that learned nothing.
    median = dict.fromkeys(Z_COLUMNS, 0.0)
    low, high = ({**median, "z_markup": z} for z in (-3.0, 3.0))
    assert learned_scores(learned, one_row(low))[0] > learned_scores(learned, one_row(high))[0]
    assert set(learned.importances) == set(INDICATORS)


z_value = st.floats(-8.0, 8.0, allow_nan=False)


@settings(max_examples=150, deadline=None)
@given(
    row=st.fixed_dictionaries({c: z_value for c in Z_COLUMNS}),
    lowered=st.sampled_from(Z_COLUMNS),
    by=st.floats(0.001, 10.0),
)
def test_lowering_a_ratio_never_lowers_the_risk(
    learned: LearnedModel, row: dict[str, float], lowered: str, by: float
) -> None:
    table = pa.concat_tables([one_row(row), one_row({**row, lowered: row[lowered] - by})])
    before, after = learned_scores(learned, table)
    assert after >= before


def test_a_missing_ratio_counts_as_at_the_median(learned: LearnedModel) -> None:
    row = {"z_markup": -1.5, "z_turnover_per_worker": 0.4, "z_turnover_per_wage": -0.2}
    missing = learned_scores(learned, one_row({**row, "z_turnover_per_m2": None}))
    at_median = learned_scores(learned, one_row({**row, "z_turnover_per_m2": 0.0}))
    assert np.isfinite(missing).all()
    assert missing[0] == at_median[0]


@pytest.mark.parametrize(
    ("controlled", "hits", "uncontrolled"),
    [
        # Thousands of dossiers, but too few of them were ever controlled.
        (MIN_CONTROLLED - 1, 200, 5000),
        (1000, MIN_HITS - 1, 0),
        # Nearly every control a hit: nothing to tell hits from the rest.
        (1000, 1000 - MIN_HITS + 1, 0),
    ],
)
def test_too_few_past_controls_or_hits_teach_nothing(
    controlled: int, hits: int, uncontrolled: int
) -> None:
    table = past_controls(controlled, hits, uncontrolled=uncontrolled)
    assert learn_from_past_controls(table, INDICATORS, SEED) is None


def test_just_enough_past_controls_and_hits_are_learned_from(learned: LearnedModel) -> None:
    assert (learned.controlled, learned.hits) == (MIN_CONTROLLED, MIN_HITS)


def test_the_same_seed_gives_the_same_probabilities(learned: LearnedModel) -> None:
    table = just_enough()
    again = learn_from_past_controls(table, INDICATORS, SEED)
    assert again is not None
    assert np.array_equal(learned_scores(again, table), learned_scores(learned, table))
    assert again.validation == learned.validation
    assert again.importances == learned.importances


# Through scoring: a file whose past controls found the planted under-declarers.


def typed(path: Path) -> pa.Table:
    return read_dossiers(path).table


@pytest.fixture(scope="module")
def labelled_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("labelled") / "dossiers.csv"
    generated = generate_dossiers(
        LABELLED_DOSSIERS, seed=11, labels=True, planted_share=PLANTED_SHARE
    )
    write_dossiers_csv(path, generated)
    return path


@pytest.fixture(scope="module")
def labelled(labelled_file: Path) -> pa.Table:
    return typed(labelled_file)


@pytest.fixture(scope="module")
def fitted_on_file(labelled: pa.Table) -> tuple[ScoredRun, LearnedModel]:
    """The run under `--model learned` and the model it fitted."""
    fitted: list[LearnedModel] = []
    original = score_module.learn_from_past_controls

    def keeping(table: pa.Table, indicators: tuple[str, ...], seed: int) -> LearnedModel | None:
        model = original(table, indicators, seed)
        if model is not None:
            fitted.append(model)
        return model

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(score_module, "learn_from_past_controls", keeping)
        run = score_dossiers(labelled, ScoreOptions(model="learned", top=40))
    (model,) = fitted
    return run, model


@pytest.fixture(scope="module")
def learned_run(fitted_on_file: tuple[ScoredRun, LearnedModel]) -> ScoredRun:
    return fitted_on_file[0]


def model_log(run: ScoredRun) -> dict[str, Any]:
    model = run.run_log["model"]
    assert isinstance(model, dict)
    return model


def scores_equal_peer_scores(run: ScoredRun) -> bool:
    table = run.table
    return bool(table.column("score").equals(table.column("peer_score")))


def test_model_learned_scores_with_the_fitted_model(
    labelled: pa.Table, learned_run: ScoredRun
) -> None:
    assert learned_run.run_log["model_version"] == MODEL_VERSION + "+ebm"
    model = model_log(learned_run)
    validation = model["validation"]
    assert set(validation) == {
        "learned_average_precision",
        "peer_average_precision",
        "expected_average_precision",
    }
    assert all(0.0 <= value <= 1.0 for value in validation.values())
    controlled = labelled.filter(pc.equal(labelled.column("controlled"), True))
    hits = pc.sum(pc.greater(controlled.column("adjustment_eur"), 0)).as_py()
    assert (model["controlled"], model["hits"]) == (controlled.num_rows, hits)
    assert controlled.num_rows >= MIN_CONTROLLED and hits >= MIN_HITS
    scores = learned_run.table.column("score").drop_null().to_numpy()
    assert ((scores >= 0.0) & (scores <= 1.0)).all()
    assert not scores_equal_peer_scores(learned_run)


def test_missing_floor_areas_do_not_stop_the_learned_model(learned_run: ScoredRun) -> None:
    table = learned_run.table
    no_floor = table.filter(pc.is_null(table.column("floor_area_m2")))
    no_floor = no_floor.filter(pc.is_valid(no_floor.column("peer_score")))
    assert no_floor.num_rows > 100
    assert no_floor.column("z_turnover_per_m2").null_count == no_floor.num_rows
    assert no_floor.column("score").null_count == 0


def test_auto_uses_the_model_with_the_best_held_out_average_precision(
    labelled: pa.Table,
) -> None:
    run = score_dossiers(labelled, ScoreOptions(model="auto", top=40))
    model = model_log(run)
    validation = model.get("validation") or model["learned_model_not_used"]["validation"]
    precision = {
        "learned": validation["learned_average_precision"],
        "ratios": validation["peer_average_precision"],
        "expected": validation["expected_average_precision"],
    }
    best = max(precision.values())
    # Ties go to the expected-turnover model.
    chosen = "expected" if precision["expected"] == best else max(precision, key=precision.get)
    assert model["name"] == chosen
    versions = {
        "learned": MODEL_VERSION + "+ebm",
        "ratios": MODEL_VERSION,
        "expected": "expected-turnover-1",
    }
    assert run.run_log["model_version"] == versions[chosen]
    assert scores_equal_peer_scores(run) == (chosen == "ratios")
    if chosen == "expected":
        table = run.table
        scored = table.filter(pc.is_valid(table.column("peer_score")))
        assert scored.column("score").equals(scored.column("expected_score"))


def test_auto_keeps_the_expected_model_when_no_other_does_better(
    labelled: pa.Table,
    fitted_on_file: tuple[ScoredRun, LearnedModel],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    model = fitted_on_file[1]
    # A tie: another model must find hits strictly better to be used.
    tie = {
        "learned_average_precision": 0.5,
        "peer_average_precision": 0.5,
        "expected_average_precision": 0.5,
    }

    def no_better(*_: object) -> LearnedModel:
        return replace(model, validation=tie)

    monkeypatch.setattr(score_module, "learn_from_past_controls", no_better)
    run = score_dossiers(labelled, ScoreOptions(model="auto", top=40))
    assert run.run_log["model_version"] == "expected-turnover-1"
    logged = model_log(run)
    assert logged["name"] == "expected"
    assert logged["kind"].startswith("expected turnover")
    assert logged["learned_model_not_used"]["validation"] == tie
    assert not scores_equal_peer_scores(run)


@pytest.mark.parametrize("model", ["peer", "ratios"])
def test_auto_picks_the_ratios_when_they_find_hits_best(
    labelled: pa.Table,
    fitted_on_file: tuple[ScoredRun, LearnedModel],
    monkeypatch: pytest.MonkeyPatch,
    model: str,
) -> None:
    ratios_best = {
        "learned_average_precision": 0.4,
        "peer_average_precision": 0.6,
        "expected_average_precision": 0.5,
    }
    fitted = replace(fitted_on_file[1], validation=ratios_best)
    monkeypatch.setattr(score_module, "learn_from_past_controls", lambda *_: fitted)
    auto = score_dossiers(labelled, ScoreOptions(model="auto", top=40))
    asked = score_dossiers(labelled, ScoreOptions(model=model, top=40))
    assert auto.run_log["model_version"] == asked.run_log["model_version"] == MODEL_VERSION
    assert model_log(auto)["learned_model_not_used"]["validation"] == ratios_best
    assert auto.table.column("score").equals(asked.table.column("score"))
    assert scores_equal_peer_scores(auto)


def test_model_peer_fits_nothing(labelled: pa.Table, monkeypatch: pytest.MonkeyPatch) -> None:
    def must_not_fit(*_: object) -> None:
        raise AssertionError("--model peer fitted a model")

    monkeypatch.setattr(score_module, "learn_from_past_controls", must_not_fit)
    run = score_dossiers(labelled, ScoreOptions(model="peer", top=40))
    assert run.run_log["model_version"] == MODEL_VERSION
    assert model_log(run) == {"name": "ratios", "kind": "peer score (Stouffer's z of the ratios)"}
    assert scores_equal_peer_scores(run)


@pytest.fixture(scope="module")
def unlabelled_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("unlabelled") / "dossiers.csv"
    pacsv.write_csv(generate_dossiers(600, seed=3, labels=False).table, path)
    return path


def test_model_learned_on_a_file_without_labels_names_the_option(unlabelled_file: Path) -> None:
    with pytest.raises(ScoringError, match=r"^--model learned: needs past controls"):
        score_dossiers(unlabelled_file, ScoreOptions(model="learned"))


def test_model_learned_on_a_file_with_too_few_controls_names_the_option(tmp_path: Path) -> None:
    path = tmp_path / "dossiers.csv"
    write_dossiers_csv(path, generate_dossiers(600, seed=3, labels=True))
    with pytest.raises(ScoringError, match=rf"at least {MIN_CONTROLLED} controlled dossiers"):
        score_dossiers(path, ScoreOptions(model="learned"))


def test_the_command_line_refuses_model_learned_without_labels(
    unlabelled_file: Path, tmp_path: Path
) -> None:
    out = tmp_path / "scores.csv"
    result = CliRunner().invoke(
        app,
        ["control", "score", "--dossiers", str(unlabelled_file), "--out", str(out),
         "--model", "learned"],
    )  # fmt: skip
    assert result.exit_code == 2
    assert "--model learned" in " ".join(result.output.split())
    assert not out.exists()


# Found while writing these tests; see the reasons.


def test_row_order_does_not_change_the_learned_scores(
    labelled: pa.Table, learned_run: ScoredRun
) -> None:
    order = np.random.default_rng(1).permutation(labelled.num_rows)
    shuffled = labelled.take(order).drop(["line"])
    again = score_dossiers(shuffled, ScoreOptions(model="learned", top=40))

    def by_dossier(run: ScoredRun) -> list[tuple[str, float | None, bool]]:
        rows = run.table.select(["dossier_id", "score", "selected"]).to_pylist()
        return sorted((r["dossier_id"], r["score"], r["selected"]) for r in rows)

    assert by_dossier(again) == by_dossier(learned_run)


def test_a_dossier_without_peers_stays_unscored_under_the_learned_model(
    learned_run: ScoredRun,
) -> None:
    table = learned_run.table
    unscored = table.filter(pc.is_null(table.column("peer_score")))
    assert unscored.num_rows > 0
    assert unscored.column("score").null_count == unscored.num_rows
    assert all(text.startswith("Not scored") for text in unscored.column("explanation").to_pylist())


def test_a_table_without_label_columns_is_scored_or_refused_clearly(
    unlabelled_file: Path,
) -> None:
    table = typed(unlabelled_file).drop(["controlled", "adjustment_eur"])
    try:
        run = score_dossiers(table, ScoreOptions(model="peer"))
    except ScoringError as error:
        assert "controlled" in str(error)
    else:
        assert run.table.num_rows == table.num_rows
