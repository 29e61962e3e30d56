"""The whole tax-control chain at the command line, as an analyst of the FPS Finance runs it:
score a labelled file, report on the run, load it for review, assess blind, then decide."""

import csv
import hashlib
import json
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner, Result

from loket.cli.main import app
from loket.control.register import INDICATORS
from loket.demo.enterprises import generate_dossiers, write_dossiers_csv
from loket.settings import get_settings

DOSSIERS = 3000
TOP = 40
ANALYST = "fin.analyst"
HIT_RATE_COLUMNS = ["selected_controlled", "selected_hits", "hit_rate", "hit_low", "hit_high"]


def loket(*args: str, url: str | None = None) -> Result:
    """Run the command line in-process, on the database at `url` where one is given."""
    get_settings.cache_clear()  # the settings are cached per process
    try:
        env = {"LOKET_DATABASE_URL": url} if url else None
        return CliRunner().invoke(app, list(args), env=env)
    finally:
        get_settings.cache_clear()


def succeeded(result: Result) -> Result:
    assert result.exit_code == 0, result.output
    return result


def rows_of(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as file:
        return list(csv.DictReader(file))


class Scored:
    """The files of one `control score` run and its report."""

    def __init__(self, folder: Path) -> None:
        self.dossiers = folder / "dossiers.csv"
        self.scores = folder / "scores.csv"
        self.report = folder / "report"

    @property
    def run_log(self) -> dict[str, Any]:
        data: dict[str, Any] = json.loads(
            self.scores.with_name("scores.run.json").read_text(encoding="utf-8")
        )
        return data


@pytest.fixture(scope="module")
def scored(tmp_path_factory: pytest.TempPathFactory) -> Scored:
    files = Scored(tmp_path_factory.mktemp("flow"))
    write_dossiers_csv(files.dossiers, generate_dossiers(DOSSIERS, seed=11, labels=True))
    succeeded(
        loket("control", "score", "--dossiers", str(files.dossiers), "--out", str(files.scores),
              "--top", str(TOP), "--model", "ratios")
    )  # fmt: skip
    succeeded(
        loket("control", "report", "--scores", str(files.scores), "--out-dir", str(files.report))
    )
    return files


def test_the_scores_file_holds_the_top_selection(scored: Scored) -> None:
    rows = rows_of(scored.scores)
    assert len(rows) == TOP
    assert {row["selected"] for row in rows} == {"true"}
    counts = scored.run_log["counts"]
    assert counts["scored"] + counts["not_scored"] == DOSSIERS


def test_fairness_gives_hit_rates_per_region_for_a_labelled_file(scored: Scored) -> None:
    regions = [row for row in rows_of(scored.report / "fairness.csv") if row["level"] == "region"]
    assert sorted(row["group"] for row in regions) == ["02000", "03000", "04000"]
    for row in regions:
        assert all(row[column] != "" for column in HIT_RATE_COLUMNS), row
        assert 0.0 <= float(row["hit_rate"]) <= 1.0
        assert int(row["selected_hits"]) <= int(row["selected_controlled"])


def test_the_model_card_names_every_indicator_and_the_input(scored: Scored) -> None:
    card = (scored.report / "model-card.md").read_text(encoding="utf-8")
    for indicator in INDICATORS:
        # Markdown escapes the underscores of a code: turnover\_per\_m2.
        code = indicator.code.replace("_", "\\_")
        assert f"| {code} | {indicator.label} |" in card
    input_sha256 = hashlib.sha256(scored.dossiers.read_bytes()).hexdigest()
    assert scored.run_log["input_sha256"] == input_sha256
    assert input_sha256 in card


def test_a_selected_dossier_is_reviewed_blind_then_decided(
    scored: Scored, database_url: str
) -> None:
    def on_db(*args: str) -> Result:
        return loket(*args, url=database_url)

    def as_json(result: Result) -> Any:
        return json.loads(succeeded(result).stdout)

    succeeded(on_db("user", "add", "--username", ANALYST, "--role", "analyst", "--agency", "fin"))
    run_id = scored.run_log["run_id"]
    loaded = as_json(on_db("control", "review", "load", "--scores", str(scored.scores)))
    assert (loaded["run_id"], loaded["selected"]) == (run_id, TOP)

    queue = as_json(on_db("control", "review", "queue", "--run", run_id, "--as", ANALYST, "--json"))
    assert len(queue) == TOP
    assert all(entry["blind"] and entry["model"] is None for entry in queue)
    # The reviewer knows which enterprise each dossier is, though not yet its score.
    assert all(len(entry["enterprise_number"] or "") == 10 for entry in queue)

    by_rank = {row["dossier_id"]: row for row in rows_of(scored.scores)}
    first = min(queue, key=lambda entry: entry["dossier_id"])
    chosen = by_rank[first["dossier_id"]]
    selection = str(first["selection_id"])

    blind = as_json(on_db("control", "review", "show", selection, "--as", ANALYST, "--json"))
    assert (blind["blind"], blind["model"]) == (True, None)
    shown = succeeded(on_db("control", "review", "show", selection, "--as", ANALYST)).stdout
    assert "score hidden" in shown
    assert chosen["explanation"] not in shown

    succeeded(
        on_db("control", "review", "assess", selection, "--as", ANALYST, "--assessment", "low",
              "--note", "turnover fits the season")
    )  # fmt: skip
    seen = as_json(on_db("control", "review", "show", selection, "--as", ANALYST, "--json"))
    assert seen["blind"] is False
    assert seen["model"]["score"] == pytest.approx(float(chosen["score"]))
    assert seen["model"]["rank"] == int(chosen["rank"])
    assert seen["model"]["explanation"] == chosen["explanation"]

    succeeded(
        on_db("control", "review", "decide", selection, "--as", ANALYST,
              "--decision", "no-control", "--reason", "explained-by-circumstances")
    )  # fmt: skip
    summary = as_json(on_db("control", "review", "summary", "--run", run_id, "--json"))
    assert summary["selected"] == TOP
    assert summary["by_status"]["decided"] == 1
    assert summary["by_status"]["awaiting-assessment"] == TOP - 1
    assert summary["decisions"] == {"control": 0, "no-control": 1}
    assert summary["overrides"] == {"count": 1, "share": 1.0}
