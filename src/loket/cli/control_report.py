"""`loket control report`: the fairness figures, hot-spot map and model card of a scoring run,
read from the files `loket control score` leaves beside its scores CSV."""

import json
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq
import typer
from rich.markup import escape

from loket.cli.common import errors, fail, print_json
from loket.control.fairness import FairnessInputError
from loket.control.hotspots import HotSpotInputError
from loket.control.output import scored_parquet_path
from loket.control.report import write_report
from loket.control.selection_file import run_log_path
from loket.store.csvio import file_sha256


def register(app: typer.Typer) -> None:
    """Add `report` to the `loket control` commands."""
    app.command("report")(report)


def _read_scored(path: Path) -> pa.Table:
    if not path.is_file():
        fail(f"{path}: not found beside the scores CSV; run `loket control score` again")
    try:
        return pq.read_table(path)
    except (OSError, pa.ArrowException) as error:
        fail(f"{path.name}: not a readable Parquet file ({error})")


def _read_run_log(path: Path) -> dict[str, Any]:
    if not path.is_file():
        fail(f"{path}: run log not found beside the scores CSV")
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        fail(f"{path.name}: not a JSON run log ({error})")
    if not isinstance(data, dict):
        fail(f"{path.name}: a run log is a JSON object")
    return data


def report(
    scores: Path = typer.Option(
        ..., "--scores", dir_okay=False, help="scores CSV written by `loket control score`"
    ),
    out_dir: Path = typer.Option(..., "--out-dir", file_okay=False, help="folder to write to"),
    seed: int = typer.Option(0, "--seed", help="seed of the hot-spot permutations"),
    as_json: bool = typer.Option(False, "--json", help="print the summary as JSON"),
) -> None:
    """Write fairness.csv, hotspots.csv, hotspots.svg, model-card.md and report.json for
    the run behind SCORES into OUT-DIR."""
    scored_file, log_file = scored_parquet_path(scores), run_log_path(scores)
    with errors.status(f"reading {scored_file.name}"):
        scored = _read_scored(scored_file)
        run_log = _read_run_log(log_file)
    if scores.is_file() and file_sha256(scores) != run_log.get("output_sha256"):
        # The report describes the run; an edited CSV beside it is worth a warning, not a stop.
        errors.print(
            f"[yellow]warning:[/] {escape(scores.name)} differs from output_sha256 in "
            f"{escape(log_file.name)}; it was changed after the run",
            markup=True,
            highlight=False,
        )
    try:
        with errors.status(f"writing the report of {scored.num_rows} dossiers"):
            summary = write_report(scored, run_log, out_dir, seed=seed)
    except (FairnessInputError, HotSpotInputError) as error:
        fail(f"{scored_file.name}: {error}")
    except OSError as error:
        fail(f"--out-dir: cannot write to {out_dir} ({error.strerror or error})")
    if as_json:
        print_json(summary.as_dict())
        return
    parity = summary.region_parity
    typer.echo(
        f"{summary.dossiers} dossiers, {summary.selected} selected "
        f"({summary.random_sample} random sample); region parity "
        f"{'n/a' if parity is None else f'{parity:.2f}'}; "
        f"{len(summary.hot_spots)} hot spot(s), {len(summary.cold_spots)} cold spot(s)"
    )
    for path in summary.files:
        typer.echo(f"wrote {path}")
