"""`loket control generate`: synthetic enterprise dossiers with known under-declarers, for
demos, tests and the control benchmarks."""

from collections.abc import Callable
from pathlib import Path

import typer

from loket.cli.common import fail, print_json, progress_bar
from loket.demo.enterprises import (
    MAX_PLANTED_SHARE,
    GeneratedDossiers,
    generate_dossiers,
    write_dossiers_csv,
)
from loket.demo.enterprises_independent import generate_independent_dossiers

STEPS = 2  # generate, then write the dossiers and their truth
GENERATORS: dict[str, Callable[..., GeneratedDossiers]] = {
    "loket": generate_dossiers,
    "independent": generate_independent_dossiers,
}


def register(app: typer.Typer) -> None:
    """Add `generate` to the `loket control` commands."""
    app.command("generate")(generate)


def generate(
    dossiers: int = typer.Option(..., "--dossiers", min=1, help="how many dossiers"),
    out: Path = typer.Option(..., "--out", dir_okay=False, help="dossiers CSV to write"),
    seed: int = typer.Option(1, "--seed", help="same seed, same file"),
    labels: bool = typer.Option(
        True, "--labels/--no-labels", help="add past controls: controlled, adjustment_eur"
    ),
    planted_share: float = typer.Option(
        0.03,
        "--planted-share",
        min=0.0,
        max=MAX_PLANTED_SHARE,
        help="share of under-declarers, the same in every region",
    ),
    generator: str = typer.Option(
        "loket",
        "--generator",
        help="loket: the demo generator; independent: a separately designed one for "
        "evaluation (the truth adds mechanism and hidden_share)",
    ),
    as_json: bool = typer.Option(False, "--json", help="print the summary as JSON"),
) -> None:
    """Write generated control dossiers to OUT and which of them under-declare to
    `<OUT stem>.truth.csv` (dossier_id, planted, region_refnis)."""
    if generator not in GENERATORS:
        fail(f"--generator: '{generator}' is not one of {', '.join(GENERATORS)}")
    if not out.parent.is_dir():
        fail(f"--out: the folder {out.parent} does not exist")
    with progress_bar("generating dossiers", total=STEPS) as (advance, relabel):
        try:
            generated = GENERATORS[generator](
                dossiers, seed, labels=labels, planted_share=planted_share
            )
        except ValueError as error:
            fail(str(error))
        relabel("writing the CSV files")
        advance(1, STEPS)
        truth = write_dossiers_csv(out, generated)
        advance(STEPS, STEPS)
    summary = generated.summary() | {
        "seed": seed,
        "generator": generator,
        "labels": labels,
        "planted_share": planted_share,
        "out": str(out),
        "truth": str(truth),
    }
    if as_json:
        print_json(summary)
    else:
        typer.echo(
            f"{summary['dossiers']:,} dossiers, {summary['planted']:,} of them under-declaring; "
            f"written to {out} (truth in {truth})"
        )
