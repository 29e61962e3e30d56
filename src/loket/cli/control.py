"""`loket control`: score and select tax dossiers for control, report on fairness and hot spots,
and review the selection; plus `generate` for synthetic dossiers."""

import math
from pathlib import Path

import typer

from loket.cli import control_demo, control_report, control_review
from loket.cli.common import fail, print_json, progress_bar
from loket.control.output import report_dir, write_scores
from loket.control.register import ProtectedFeature, UnregisteredFeature
from loket.control.report import write_report
from loket.control.score import ScoreOptions, ScoringError, score_dossiers
from loket.store.csvio import CsvFormatError, read_columns

app = typer.Typer(
    help="Select tax dossiers for control: explainable, fair, always with human review.",
    no_args_is_help=True,
)
control_demo.register(app)
control_report.register(app)
control_review.register(app)

STEPS = ["reading dossiers", "peer groups", "nearest neighbours", "score and selection"]
STEPS += ["explanations", "writing", "report and model card"]


def read_capacity(path: Path) -> dict[str, float]:
    """office_id, capacity (controllers in FTE) per row, from a CSV as Belgian Excel writes it
    too; a bad row is named and refused, as a quota from a half-read capacity file would be
    unfair to the offices left out."""
    try:
        raw = read_columns(path, ["office_id", "capacity"])
    except CsvFormatError as error:
        fail(f"--capacity: {path.name} needs the columns office_id, capacity ({error})")
    if raw.malformed:
        line, reason, _ = raw.malformed[0]
        fail(f"--capacity: {path.name} line {line}: {reason}")
    capacity: dict[str, float] = {}
    rows = zip(
        raw.lines.to_pylist(),
        raw.columns["office_id"].to_pylist(),
        raw.columns["capacity"].to_pylist(),
        strict=True,
    )
    for line, office, text in rows:
        try:
            value = float(text.replace(",", "."))
        except ValueError:
            value = -1.0
        if not math.isfinite(value) or value < 0:
            fail(
                f"--capacity: {path.name} line {line}: capacity {text!r} is not a number of "
                "zero or more"
            )
        capacity[office] = value
    return capacity


@app.command("score")
def score(
    dossiers: Path = typer.Option(
        ..., "--dossiers", exists=True, dir_okay=False, help="control-dossiers CSV"
    ),
    out: Path = typer.Option(..., "--out", dir_okay=False, help="scores CSV to write"),
    top: int | None = typer.Option(
        None,
        "--top",
        min=0,
        help="select K dossiers and write only those (default: 1% selected, all written)",
    ),
    random_share: float = typer.Option(
        0.1, "--random-share", help="part of the selection drawn at random (0-0.5)"
    ),
    seed: int = typer.Option(0, "--seed", help="same seed and file, same selection"),
    capacity: Path | None = typer.Option(
        None,
        "--capacity",
        exists=True,
        dir_okay=False,
        help="CSV office_id,capacity: quotas per office in proportion to capacity",
    ),
    language: str = typer.Option("en", "--language", help="explanations in nl, fr, de or en"),
    min_peers: int = typer.Option(30, "--min-peers", help="smallest peer group in an area"),
    neighbours: int = typer.Option(30, "--neighbours", help="nearest same-sector peers"),
    indicator: list[str] | None = typer.Option(
        None, "--indicator", help="use only these registered indicators (repeatable)"
    ),
    reference_year: int | None = typer.Option(
        None, "--year", help="fiscal year the dossiers describe (default: last year)"
    ),
    model: str = typer.Option(
        "auto",
        "--model",
        help="expected (turnover against what its inputs predict), ratios (the ratios' "
        "peer score; peer is its old name), learned (from past controls in the file), or "
        "auto: expected, or with past controls whichever finds held-out hits best",
    ),
    report: bool = typer.Option(
        True,
        "--report/--no-report",
        help="also write the run's report with its model card into OUT.report/",
    ),
    as_json: bool = typer.Option(False, "--json", help="print the run log as JSON"),
) -> None:
    """Score every dossier against its peers and select dossiers for human review; writes the
    scores CSV, the run log (`OUT.run.json`), the full scored table (`OUT.scored.parquet`) and
    the run's report with its model card (`OUT.report/`)."""
    options = ScoreOptions(
        top=top,
        random_share=random_share,
        seed=seed,
        min_peers=min_peers,
        neighbours=neighbours,
        capacity=read_capacity(capacity) if capacity else None,
        language=language,
        reference_year=reference_year,
        model=model,
        **({"indicators": tuple(indicator)} if indicator else {}),
    )
    with progress_bar("scoring", total=len(STEPS)) as (advance, relabel):
        done = 0

        def step(name: str) -> None:
            nonlocal done
            done += 1
            relabel(name)
            advance(done, len(STEPS))

        try:
            options.checked()
            step(STEPS[0])
            run = score_dossiers(dossiers, options, on_step=step)
        except (ScoringError, UnregisteredFeature, ProtectedFeature, CsvFormatError) as error:
            fail(str(error))
        step("writing")
        write_scores(run, out, only_selected=top is not None)
        if report:
            # Every run gets its model card, fairness figures and hot spots beside its scores.
            step("report and model card")
            write_report(run.table, run.run_log, report_dir(out), seed=seed)
    if as_json:
        print_json(run.run_log)
    else:
        counts = run.run_log["counts"]
        assert isinstance(counts, dict)
        typer.echo(
            f"{counts['scored']} dossiers scored ({counts['not_scored']} without enough "
            f"peers), {counts['rejected']} rejected, "
            f"{counts['selected']} selected ({counts['random_sample']} by random sample): "
            f"{out}"
        )
