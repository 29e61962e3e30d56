"""The run report: every file is written, the model card carries the run log and the indicator
register, the hot-spot map escapes its texts, and `loket control report` reads a scoring run."""

import hashlib
import json
import random
import xml.etree.ElementTree as ET
from pathlib import Path

import pyarrow.parquet as pq
import pytest
import typer
from typer.testing import CliRunner

from loket.cli import control_report
from loket.control.hotspot_map import hotspot_map_svg
from loket.control.hotspots import Cluster, HotSpotResult, MunicipalityHotSpot
from loket.control.register import INDICATORS
from loket.control.report import md, write_report
from tests.control.scored_factory import municipalities, scored_row, scored_table

FILES = {"fairness.csv", "hotspots.csv", "hotspots.svg", "model-card.md", "report.json"}
RUN_LOG = {
    "run_id": "run-2026-11-29-1",
    "started_at": "2026-11-29T08:00:00+00:00",
    "finished_at": "2026-11-29T08:00:05+00:00",
    "input_file": "dossiers.csv",
    "input_sha256": "a" * 64,
    "output_sha256": "b" * 64,
    "model_version": "peer-ratios-1",
    "parameters": {"top": 40, "random_share": 0.1, "min_peers": 20},
    "indicators": ["markup", "turnover_per_wage"],
    "counts": {"rows": 252, "scored": 250, "rejected": 2, "selected": 44, "random_sample": 4},
}


def _scored(seed: int = 2):
    """25 municipalities across Belgium, 10 dossiers each, past controls included."""
    rng = random.Random(seed)
    rows = []
    for refnis in rng.sample(sorted(municipalities()), 25):
        postcode = municipalities()[refnis]["postcode"]
        for i in range(10):
            z = rng.gauss(0, 1.2)
            selected = z < -1.3 or rng.random() < 0.02
            controlled = selected or rng.random() < 0.2
            rows.append(
                scored_row(
                    postcode,
                    f"{refnis}-{i}",
                    z_markup=z,
                    score=-z,
                    selected=selected,
                    selection=("risk" if z < -1.3 else "random-sample") if selected else None,
                    controlled=controlled,
                    adjustment_eur=(4000.0 if z < -1.0 and rng.random() < 0.6 else 0.0)
                    if controlled
                    else None,
                )
            )
    return scored_table(rows)


def test_every_report_file_is_written_and_hashed(tmp_path: Path) -> None:
    scored = _scored()
    summary = write_report(scored, RUN_LOG, tmp_path / "report")

    written = {path.name for path in summary.files}
    assert written == FILES
    assert {p.name for p in (tmp_path / "report").iterdir()} == FILES
    report = json.loads((tmp_path / "report" / "report.json").read_text(encoding="utf-8"))
    for name, digest in report["files"].items():
        assert hashlib.sha256((tmp_path / "report" / name).read_bytes()).hexdigest() == digest
    assert report["run"]["run_id"] == "run-2026-11-29-1"
    assert report["fairness"]["dossiers"] == 250 == summary.dossiers
    assert len(report["hotspots"]["municipalities"]) == 25
    selections = scored.column("selection").to_pylist()
    assert summary.random_sample == selections.count("random-sample")
    header = (tmp_path / "report" / "fairness.csv").read_text(encoding="utf-8").splitlines()[0]
    assert header.startswith("level,group,name,dossiers,selected,selection_rate")


def test_the_model_card_names_the_run_and_its_indicators(tmp_path: Path) -> None:
    write_report(_scored(), RUN_LOG, tmp_path)
    card = (tmp_path / "model-card.md").read_text(encoding="utf-8")

    assert "run-2026-11-29-1" in card
    assert "a" * 64 in card and "b" * 64 in card
    assert "peer-ratios-1" in card
    used = [i for i in INDICATORS if i.code in RUN_LOG["indicators"]]
    unused = [i for i in INDICATORS if i.code not in RUN_LOG["indicators"]]
    for indicator in used:
        assert md(indicator.label) in card and md(indicator.source) in card
    for indicator in unused:
        assert md(indicator.label) not in card
    assert "| 252 | 250 | 2 | 44 | 4 |" in card
    assert "- output SHA-256: " + "b" * 64 in card
    for section in ("Intended use", "Must not be used for", "Fairness", "Hot spots",
                    "Limitations", "Human review"):  # fmt: skip
        assert f"## {section}" in card
    assert "Vlaams Gewest" in card and "Région wallonne" in card


def test_an_indicator_outside_the_register_is_called_out(tmp_path: Path) -> None:
    write_report(_scored(), {**RUN_LOG, "indicators": ["markup", "nationality_mix"]}, tmp_path)
    card = (tmp_path / "model-card.md").read_text(encoding="utf-8")

    assert "Not in the indicator register:** nationality\\_mix" in card


def test_markdown_cells_cannot_break_the_table_or_carry_html() -> None:
    assert md("a|b <script>x</script>") == "a\\|b &lt;script&gt;x&lt;/script&gt;"


def test_the_map_escapes_a_script_payload_in_a_name() -> None:
    payload = '<script>alert("x")</script> & "Ville"'
    spot = MunicipalityHotSpot(
        municipality_refnis="21004", name=payload, dossiers=12, low_ratio=6, low_share=0.5,
        latitude=50.85, longitude=4.35, gi_z=3.1, p_sim=0.001, q_value=0.01, cluster=Cluster.HOT,
    )  # fmt: skip
    result = HotSpotResult((spot,), "z_markup", 10, 8, 999, 0, 0.05, 0)

    svg = hotspot_map_svg(result, title="</title><script>1</script>")

    assert "<script" not in svg
    assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt; &amp;" in svg
    root = ET.fromstring(svg)  # well-formed XML
    ns = "{http://www.w3.org/2000/svg}"
    assert root.find(f"{ns}title").text == "</title><script>1</script>"
    assert root.find(f"{ns}desc").text.startswith("1 municipalities")
    dot = root.find(f"{ns}g[@class='hot']")
    assert dot is not None and dot.find(f"{ns}circle").get("fill") == "#b10e1e"


def _app() -> typer.Typer:
    app = typer.Typer()

    @app.callback()
    def control() -> None:
        """loket control"""

    control_report.register(app)
    return app


def test_the_command_reads_the_files_beside_the_scores_csv(tmp_path: Path) -> None:
    scores = tmp_path / "scores.csv"
    scores.write_text("dossier_id,score,rank,explanation\n", encoding="utf-8")
    pq.write_table(_scored(), tmp_path / "scores.scored.parquet")
    log = {**RUN_LOG, "output_sha256": hashlib.sha256(scores.read_bytes()).hexdigest()}
    (tmp_path / "scores.run.json").write_text(json.dumps(log), encoding="utf-8")

    result = CliRunner().invoke(
        _app(), ["report", "--scores", str(scores), "--out-dir", str(tmp_path / "out"), "--json"]
    )

    assert result.exit_code == 0, result.output
    summary = json.loads(result.stdout)
    assert set(summary["files"]) == FILES
    assert summary["dossiers"] == 250
    assert "warning" not in result.stderr


@pytest.mark.parametrize("missing", ["scores.scored.parquet", "scores.run.json"])
def test_a_missing_file_is_named_and_exits_2(tmp_path: Path, missing: str) -> None:
    scores = tmp_path / "scores.csv"
    scores.write_text("dossier_id,score,rank,explanation\n", encoding="utf-8")
    pq.write_table(_scored(), tmp_path / "scores.scored.parquet")
    (tmp_path / "scores.run.json").write_text(json.dumps(RUN_LOG), encoding="utf-8")
    (tmp_path / missing).unlink()

    result = CliRunner().invoke(
        _app(), ["report", "--scores", str(scores), "--out-dir", str(tmp_path / "out")]
    )

    assert result.exit_code == 2
    assert missing in result.stderr
    assert not (tmp_path / "out").exists()


def test_a_scores_csv_changed_after_the_run_is_reported_with_a_warning(tmp_path: Path) -> None:
    scores = tmp_path / "scores.csv"
    scores.write_text("dossier_id,score,rank,explanation\nD1,9.9,1,edited\n", encoding="utf-8")
    pq.write_table(_scored(), tmp_path / "scores.scored.parquet")
    (tmp_path / "scores.run.json").write_text(json.dumps(RUN_LOG), encoding="utf-8")

    result = CliRunner().invoke(
        _app(), ["report", "--scores", str(scores), "--out-dir", str(tmp_path / "out")]
    )

    assert result.exit_code == 0, result.output
    assert "scores.csv differs from output_sha256" in result.stderr
    assert "250 dossiers" in result.stdout
