"""Writing a scoring run as `loket control score` leaves it: the scores CSV, the full scored table
(`OUT.scored.parquet`) and the run log (`OUT.run.json`) that ties the two files together."""

import json
from pathlib import Path

import pyarrow as pa
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

from loket.control.score import ScoredRun
from loket.store.csvio import file_sha256

# Contract columns first (dossier_id, score, rank, explanation), then the extension.
OUTPUT_COLUMNS = [
    "dossier_id", "score", "rank", "explanation", "selected", "selection",
    "enterprise_number", "office_id",
    "region_refnis", "province_refnis", "arrondissement_refnis", "sector", "peer_level",
    "peer_area", "peer_count",
]  # fmt: skip


def scored_parquet_path(out: Path) -> Path:
    return out.with_name(out.stem + ".scored.parquet")


def report_dir(out: Path) -> Path:
    """`scores.report/` beside `scores.csv`: the run's model card, fairness and hot spots."""
    return out.with_name(out.stem + ".report")


def run_log_path(out: Path) -> Path:
    return out.with_name(out.stem + ".run.json")


def output_table(table: pa.Table) -> pa.Table:
    """The scored table cut to the scores CSV's columns, `selected` as true/false."""
    selected = pa.array(["true" if s else "false" for s in table.column("selected").to_pylist()])
    columns = [selected if name == "selected" else table.column(name) for name in OUTPUT_COLUMNS]
    return pa.table(columns, names=OUTPUT_COLUMNS)


def write_scores(run: ScoredRun, out: Path, *, only_selected: bool) -> None:
    """Write the scores CSV to `out` (only the selected dossiers when `only_selected`), the full
    scored table and the run log beside it.

    The run log is written last and carries the CSV's SHA-256, so that a review loads the
    selection only from the very file this run wrote."""
    table = run.table
    if only_selected:
        table = table.filter(table.column("selected"))
    pacsv.write_csv(output_table(table), out)
    pq.write_table(run.table, scored_parquet_path(out))
    run.run_log["output_file"] = out.name
    run.run_log["output_sha256"] = file_sha256(out)
    if run.read is not None:
        run.run_log["reading"] = run.read.summary()
    run_log_path(out).write_text(
        json.dumps(run.run_log, ensure_ascii=False, indent=2, default=str) + "\n",
        encoding="utf-8",
    )
