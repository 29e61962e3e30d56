"""`loket control score` as DESIGN.md and issue 6 promise it: the scores file of the contract,
the run log with both hashes, the same bytes on every run, quotas per office, exit 2 on bad input.
"""

import csv
import hashlib
import json
import random
from collections import Counter
from pathlib import Path

import pytest
from typer.testing import CliRunner

from loket.cli.main import app
from loket.demo.enterprises import generate_dossiers, write_dossiers_csv

CONTRACT_HEADER = ["dossier_id", "score", "rank", "explanation"]
EXTENSION_HEADER = [
    "selected", "selection", "enterprise_number", "office_id", "region_refnis", "province_refnis",
    "arrondissement_refnis", "sector", "peer_level", "peer_area", "peer_count",
]  # fmt: skip
DOSSIERS = 3000


class Run:
    def __init__(self, exit_code: int, stdout: str, output: str) -> None:
        self.exit_code = exit_code
        self.stdout = stdout
        self.output = " ".join(output.split())  # the terminal wraps long messages


def score(dossiers: Path, out: Path, *options: str) -> Run:
    result = CliRunner().invoke(
        app, ["control", "score", "--dossiers", str(dossiers), "--out", str(out), *options]
    )
    return Run(result.exit_code, result.stdout, result.output)


def rows_of(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as file:
        return list(csv.DictReader(file))


def sha256_of(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture(scope="module")
def dossiers(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("dossiers") / "dossiers.csv"
    write_dossiers_csv(out, generate_dossiers(DOSSIERS, seed=11))
    return out


@pytest.fixture(scope="module")
def full_run(dossiers: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Every dossier written; the default selection."""
    out = tmp_path_factory.mktemp("full") / "scores.csv"
    run = score(dossiers, out)
    assert run.exit_code == 0, run.output
    return out


@pytest.fixture(scope="module")
def top_run(dossiers: Path, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Run]:
    out = tmp_path_factory.mktemp("top") / "scores.csv"
    run = score(dossiers, out, "--top", "40", "--json")
    assert run.exit_code == 0, run.output
    return out, run


@pytest.fixture(scope="module")
def offices(full_run: Path) -> list[str]:
    return sorted({row["office_id"] for row in rows_of(full_run)})


def test_header_starts_with_the_contract_columns(full_run: Path) -> None:
    with full_run.open(encoding="utf-8", newline="") as file:
        header = next(csv.reader(file))
    assert header == CONTRACT_HEADER + EXTENSION_HEADER


def test_without_top_every_dossier_is_written_ranked_1_to_n(full_run: Path) -> None:
    rows = rows_of(full_run)
    assert len(rows) == DOSSIERS
    assert [int(row["rank"]) for row in rows] == list(range(1, DOSSIERS + 1))
    scores = [float(row["score"]) for row in rows if row["score"]]
    assert scores == sorted(scores, reverse=True)
    assert len({row["dossier_id"] for row in rows}) == DOSSIERS
    assert all(row["explanation"] for row in rows)
    # The default selection is 1% of the dossiers scored, a tenth of it drawn at random.
    selected = Counter(row["selection"] for row in rows if row["selected"] == "true")
    assert sum(selected.values()) <= DOSSIERS // 100
    assert selected["random-sample"] == 3
    assert {row["selected"] for row in rows} == {"true", "false"}


def test_top_k_writes_the_k_selected_dossiers(top_run: tuple[Path, Run]) -> None:
    out, _ = top_run
    rows = rows_of(out)
    assert len(rows) == 40
    assert {row["selected"] for row in rows} == {"true"}
    assert Counter(row["selection"] for row in rows) == {"risk": 36, "random-sample": 4}
    ranks = [int(row["rank"]) for row in rows]
    assert ranks == sorted(ranks)


def test_run_log_holds_both_hashes(dossiers: Path, top_run: tuple[Path, Run]) -> None:
    out, _ = top_run
    log = json.loads(out.with_name("scores.run.json").read_text(encoding="utf-8"))
    assert log["input_file"] == "dossiers.csv"
    assert log["input_sha256"] == sha256_of(dossiers)
    assert log["output_sha256"] == sha256_of(out)
    counts = log["counts"]
    assert counts["scored"] + counts["not_scored"] == DOSSIERS
    # The unscored are the dossiers of sectors too small to have peers even nationally.
    scored_rows = rows_of(out.with_name("scores.csv"))
    assert counts["not_scored"] < DOSSIERS // 5
    assert all(row["score"] for row in scored_rows if row["selection"] == "risk")
    assert {key: counts[key] for key in ("rows", "rejected", "selected", "random_sample")} == {
        "rows": DOSSIERS,
        "rejected": 0,
        "selected": 40,
        "random_sample": 4,
    }
    assert log["parameters"]["top"] == 40
    assert log["model_version"]
    assert log["started_at"] <= log["finished_at"]


def test_every_run_writes_its_model_card_beside_the_scores(
    dossiers: Path, top_run: tuple[Path, Run]
) -> None:
    out, _ = top_run
    report = out.with_name("scores.report")
    card = (report / "model-card.md").read_text(encoding="utf-8")
    log = json.loads(out.with_name("scores.run.json").read_text(encoding="utf-8"))
    assert log["run_id"] in card
    assert sha256_of(dossiers) in card and sha256_of(out) in card
    assert {"fairness.csv", "hotspots.csv", "hotspots.svg", "report.json"} <= {
        path.name for path in report.iterdir()
    }


def test_no_report_skips_the_report(dossiers: Path, tmp_path: Path) -> None:
    out = tmp_path / "scores.csv"
    run = score(dossiers, out, "--top", "10", "--no-report")
    assert run.exit_code == 0, run.output
    assert not out.with_name("scores.report").exists()


def test_json_prints_the_run_log(top_run: tuple[Path, Run]) -> None:
    out, run = top_run
    printed = json.loads(run.stdout)
    assert printed == json.loads(out.with_name("scores.run.json").read_text(encoding="utf-8"))


def test_running_twice_gives_the_same_bytes(
    dossiers: Path, top_run: tuple[Path, Run], tmp_path: Path
) -> None:
    out, _ = top_run
    again = tmp_path / "scores.csv"
    assert score(dossiers, again, "--top", "40").exit_code == 0
    assert again.read_bytes() == out.read_bytes()


def test_row_order_of_the_input_does_not_change_the_output(
    dossiers: Path, top_run: tuple[Path, Run], tmp_path: Path
) -> None:
    header, *lines = dossiers.read_text(encoding="utf-8").splitlines(keepends=True)
    random.Random(3).shuffle(lines)
    shuffled = tmp_path / "shuffled.csv"
    shuffled.write_text(header + "".join(lines), encoding="utf-8")
    out = tmp_path / "scores.csv"
    assert score(shuffled, out, "--top", "40").exit_code == 0
    assert out.read_bytes() == top_run[0].read_bytes()


def write_capacity(path: Path, lines: list[str]) -> Path:
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_capacity_shares_the_selection_between_offices(
    dossiers: Path, offices: list[str], tmp_path: Path
) -> None:
    # The first office has three times the controllers of each other one.
    weights = {office: 3 if office == offices[0] else 1 for office in offices}
    lines = ["office_id,capacity", *(f"{office},{w}" for office, w in weights.items())]
    capacity = write_capacity(tmp_path / "capacity.csv", lines)
    top = 2 * (len(offices) + 2)  # two places per unit of capacity
    out = tmp_path / "scores.csv"
    run = score(dossiers, out, "--top", str(top), "--capacity", str(capacity))
    assert run.exit_code == 0, run.output
    per_office = Counter(row["office_id"] for row in rows_of(out))
    assert per_office == {office: 2 * w for office, w in weights.items()}


def test_an_office_missing_from_the_capacity_file_is_named(
    dossiers: Path, offices: list[str], tmp_path: Path
) -> None:
    lines = ["office_id,capacity", *(f"{office},1" for office in offices[1:])]
    capacity = write_capacity(tmp_path / "capacity.csv", lines)
    out = tmp_path / "scores.csv"
    run = score(dossiers, out, "--top", "10", "--capacity", str(capacity))
    assert run.exit_code == 2
    assert f"no capacity given for office(s) {offices[0]}" in run.output
    assert not out.exists()


@pytest.mark.parametrize(
    ("lines", "says"),
    [
        (["office_id,capacity", "fin-gent,2", "fin-namur,veel"], "line 3: capacity 'veel'"),
        (["office_id,capacity", "fin-gent,-1"], "line 2: capacity '-1'"),
        (["office_id,capacity", "fin-gent,"], "line 2: capacity ''"),
        (["office,fte", "fin-gent,2"], "needs the columns office_id, capacity"),
    ],
)
def test_a_bad_capacity_file_is_refused_naming_the_line(
    dossiers: Path, tmp_path: Path, lines: list[str], says: str
) -> None:
    capacity = write_capacity(tmp_path / "capacity.csv", lines)
    out = tmp_path / "scores.csv"
    run = score(dossiers, out, "--top", "10", "--capacity", str(capacity))
    assert run.exit_code == 2
    assert "capacity.csv" in run.output
    assert says in run.output
    assert not out.exists()


def test_an_infinite_capacity_is_refused_naming_the_line(
    dossiers: Path, offices: list[str], tmp_path: Path
) -> None:
    lines = ["office_id,capacity", f"{offices[0]},inf", *(f"{o},1" for o in offices[1:])]
    capacity = write_capacity(tmp_path / "capacity.csv", lines)
    run = score(dossiers, tmp_path / "scores.csv", "--top", "10", "--capacity", str(capacity))
    assert run.exit_code == 2
    assert "line 2" in run.output


def test_a_capacity_file_from_belgian_excel_is_read(
    dossiers: Path, offices: list[str], tmp_path: Path
) -> None:
    lines = ["office_id;capacity", *(f"{office};1,5" for office in offices)]
    capacity = write_capacity(tmp_path / "capacity.csv", lines)
    out = tmp_path / "scores.csv"
    run = score(dossiers, out, "--top", str(2 * len(offices)), "--capacity", str(capacity))
    assert run.exit_code == 0, run.output
    assert set(Counter(row["office_id"] for row in rows_of(out)).values()) == {2}


def test_a_capacity_row_with_extra_fields_is_refused_naming_the_line(
    dossiers: Path, offices: list[str], tmp_path: Path
) -> None:
    lines = ["office_id,capacity", *(f"{office},1,5" for office in offices)]
    capacity = write_capacity(tmp_path / "capacity.csv", lines)
    run = score(dossiers, tmp_path / "scores.csv", "--top", "10", "--capacity", str(capacity))
    assert run.exit_code == 2
    assert "line 2" in run.output


def test_language_fr_gives_french_explanations(dossiers: Path, tmp_path: Path) -> None:
    out = tmp_path / "scores.csv"
    assert (
        score(dossiers, out, "--top", "20", "--language", "fr", "--model", "ratios").exit_code == 0
    )
    explanations = [row["explanation"] for row in rows_of(out)]
    assert all("is lower than" not in text for text in explanations)
    assert any("est inférieur à celui de" in text for text in explanations)
    assert any(text.startswith("Choisi par échantillon aléatoire") for text in explanations)


@pytest.mark.parametrize(
    ("options", "says"),
    [
        (["--language", "xx"], "--language: 'xx' is not one of nl, fr, de, en"),
        (["--random-share", "0.9"], "--random-share: 0.9 is not between 0 and 0.5"),
        (["--min-peers", "2"], "--min-peers: 2 is below 5"),
    ],
)
def test_a_bad_option_exits_2_naming_it(
    dossiers: Path, tmp_path: Path, options: list[str], says: str
) -> None:
    out = tmp_path / "scores.csv"
    run = score(dossiers, out, *options)
    assert run.exit_code == 2
    assert says in run.output
    assert not out.exists()
