"""`loket linkage detect`: concurrent leefloon claims across OCMWs, plus the review commands."""

import json
from datetime import UTC, date, datetime
from pathlib import Path

import duckdb
import typer
from sqlalchemy import inspect

from loket.cli import linkage_encode, linkage_generate, linkage_review
from loket.cli.common import engine, fail, print_json, progress_bar, sessions
from loket.linkage.claims import read_claims
from loket.linkage.completion import CompletionRefused, complete_claims_file
from loket.linkage.conflicts import Conflict
from loket.linkage.detect import (
    DEFAULT_THRESHOLD,
    DetectOptions,
    DetectSummary,
    detect_conflicts,
    detect_pseudonymised,
    trained_model,
)
from loket.linkage.engines import ENGINE_NAMES
from loket.linkage.model import LinkageMode
from loket.linkage.pseudonymise import LinkageKeyError, load_key
from loket.linkage.service import RunMeta, known_different_pairs, record_run
from loket.linkage.splink_model import ModelMismatch
from loket.linkage.standardise import standardise
from loket.store.csvio import CsvFormatError

app = typer.Typer(help="Detect and review concurrent living-wage claims.", no_args_is_help=True)
app.registered_commands.extend(linkage_encode.app.registered_commands)
app.registered_commands.extend(linkage_review.app.registered_commands)
app.registered_commands.extend(linkage_generate.app.registered_commands)


def _count_lines(path: Path) -> int:
    with path.open("rb") as file:
        return sum(block.count(b"\n") for block in iter(lambda: file.read(1 << 20), b""))


def _store_ready() -> bool:
    """Whether the database has the linkage tables (`loket init` was run)."""
    try:
        return inspect(engine()).has_table("linkage_conflict")
    except Exception:  # noqa: BLE001 - an unreachable database only means: do not store
        return False


@app.command("detect")
def detect(
    claims: list[Path] = typer.Option(
        ...,
        "--claims",
        exists=True,
        dir_okay=False,
        help="claims CSV; with --pseudonymised, the OCMWs' encoded files (repeatable)",
    ),
    out: Path = typer.Option(..., "--out", dir_okay=False, help="conflicts CSV to write"),
    engine_name: str = typer.Option("duckdb", "--engine", help="duckdb or spark"),
    threshold: float = typer.Option(
        DEFAULT_THRESHOLD, "--threshold", min=0.5, max=0.9999, help="match probability"
    ),
    min_overlap_days: int = typer.Option(1, "--min-overlap-days", min=1),
    as_of: str = typer.Option(None, "--as-of", help="day ongoing claims are counted to"),
    store: bool = typer.Option(
        True, "--store/--no-store", help="record the conflicts for review (needs `loket init`)"
    ),
    model_file: Path = typer.Option(
        None, "--model", exists=True, dir_okay=False, help="a saved model instead of training"
    ),
    pseudonymised: bool = typer.Option(
        False, "--pseudonymised", help="link encoded claims only (see `loket linkage encode`)"
    ),
    key_file: Path = typer.Option(
        None,
        "--key-file",
        dir_okay=False,
        help="with --pseudonymised: encode clear claims here first (for comparing both modes)",
    ),
    as_json: bool = typer.Option(False, "--json", help="print the summary as JSON"),
    complete_insz: bool = typer.Option(
        False,
        "--complete-insz",
        help="first fill missing INSZ from the citizen register on a unique match of names and "
        "birth date, each a logged fraud-control consultation (needs --complete-user)",
    ),
    complete_user: str = typer.Option(
        None, "--complete-user", help="with --complete-insz: the case worker who consults"
    ),
    complete_dossier: str = typer.Option(
        None,
        "--complete-dossier",
        help="with --complete-insz: the dossier that justifies the consultations, when the "
        "authorisation requires one",
    ),
) -> None:
    """Find claims of one person at two OCMWs with overlapping periods; writes the conflicts
    CSV, `<out>.model.json`, and `<claims>.rejects.csv` / `.warnings.csv` where needed."""
    if engine_name not in ENGINE_NAMES:
        fail(f"--engine: {engine_name!r} is not one of {', '.join(ENGINE_NAMES)}")
    try:
        day = date.fromisoformat(as_of) if as_of else None
    except ValueError:
        fail(f"--as-of: {as_of!r} is not a date as YYYY-MM-DD")
    completion = None
    if complete_insz:
        claims, completion = _complete(claims, out, complete_user, complete_dossier, pseudonymised)
    storing = store and _store_ready()
    known: frozenset[tuple[str, str]] = frozenset()
    if storing:
        with sessions()() as session:
            known = known_different_pairs(session)
    options = DetectOptions(
        engine=engine_name,
        threshold=threshold,
        min_overlap_days=min_overlap_days,
        as_of=day,
        known_different=known,
        model_file=model_file,
    )
    started = datetime.now(UTC)
    if pseudonymised:
        summary, conflicts = _pseudonymised(claims, out, options, key_file)
    else:
        if len(claims) != 1:
            fail("--claims: give one claims file (several only with --pseudonymised)")
        total = max(_count_lines(claims[0]) - 1, 1)
        with progress_bar("reading claims", total=total) as (advance, relabel):
            try:
                summary, conflicts = detect_conflicts(
                    claims[0],
                    out,
                    options,
                    step=relabel,
                    on_rows=lambda rows: advance(rows, total),
                )
            except (CsvFormatError, ModelMismatch) as error:
                fail(str(error))
    result = summary.as_json()
    if completion is not None:
        result["insz_completion"] = completion
    if storing:
        meta = RunMeta(
            started_at=started,
            finished_at=datetime.now(UTC),
            engine=engine_name,
            mode=LinkageMode.PSEUDONYMISED if pseudonymised else LinkageMode.CLEAR,
            claims_read=summary.claims_read,
            claims_rejected=summary.rejected,
            threshold=threshold,
            model=summary.model_file,
            already_suppressed=summary.suppressed,
        )
        with sessions()() as session, session.begin():
            stored = record_run(session, meta, conflicts)
        result["stored_run"] = stored.run_id
    else:
        result["stored_run"] = None
    if as_json:
        print_json(result)
    else:
        _print_summary(summary)


@app.command("train")
def train_model(
    claims: Path = typer.Option(..., "--claims", exists=True, dir_okay=False, help="claims CSV"),
    out: Path = typer.Option(..., "--out", dir_okay=False, help="model JSON to write"),
    seed: int = typer.Option(42, "--seed"),
) -> None:
    """Estimate the model on a large claims file and save it, for `detect --model` on files
    too small to train on (the shipped default was made this way from generated claims)."""
    try:
        read = read_claims(claims)
    except CsvFormatError as error:
        fail(str(error))
    with progress_bar("training") as _bar, duckdb.connect() as connection:
        model = trained_model(standardise(connection, read.table), seed)
    out.write_text(json.dumps(model, indent=2, default=str) + "\n", encoding="utf-8")
    print_json({"claims": read.table.num_rows, "rejected": read.rejected, "model": str(out)})


def _complete(
    claims: list[Path], out: Path, user: str | None, dossier: str | None, pseudonymised: bool
) -> tuple[list[Path], dict[str, object]]:
    """Fill missing INSZ numbers from the register; the linker then reads the completed file."""
    if pseudonymised:
        fail("--complete-insz: the pseudonymised hub holds no register; complete clear claims")
    if not user:
        fail("--complete-user: give the case worker who consults the register for --complete-insz")
    if len(claims) != 1:
        fail("--claims: give one claims file with --complete-insz")
    if not _store_ready():
        fail("--complete-insz: the database has no register (run `loket init`)")
    try:
        with sessions()() as session, session.begin():
            completed, summary = complete_claims_file(session, claims[0], out, user, dossier)
    except CompletionRefused as error:
        fail(str(error))
    except CsvFormatError as error:
        fail(str(error))
    return [completed], summary.as_json()


def _pseudonymised(
    paths: list[Path], out: Path, options: DetectOptions, key_file: Path | None
) -> tuple[DetectSummary, list[Conflict]]:
    if options.engine != "duckdb":
        fail("--engine: the pseudonymised model runs on duckdb only")
    try:
        key = load_key(key_file) if key_file is not None else None
    except LinkageKeyError as error:
        fail(f"--key-file: {error}")
    with progress_bar("linking encoded claims") as (_advance, relabel):
        try:
            return detect_pseudonymised(paths, out, options, key=key, step=relabel)
        except (CsvFormatError, ValueError) as error:
            fail(str(error))


def _print_summary(summary: DetectSummary) -> None:
    typer.echo(
        f"{summary.conflicts} conflict(s) ({summary.needs_check} of them to check) in "
        f"{summary.groups} group(s) from "
        f"{summary.claims_linked} claims ({summary.rejected} rejected, "
        f"{summary.warnings} warning(s)); written to {summary.out}"
    )
    for path in (summary.rejects_file, summary.warnings_file, summary.model_file):
        if path:
            typer.echo(f"  see {path}")
