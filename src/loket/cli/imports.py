"""`loket import moves FILE.csv`."""

from pathlib import Path

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeRemainingColumn

from loket.cli.common import errors, fail, print_json, sessions
from loket.people.import_moves import import_moves
from loket.settings import get_settings
from loket.store.csvio import CsvFormatError

app = typer.Typer(help="Import files.", no_args_is_help=True)


@app.command("moves")
def moves(
    path: Path = typer.Argument(..., exists=True, dir_okay=False, help="moves CSV"),
    batch_size: int = typer.Option(None, "--batch-size", min=1),
) -> None:
    """Apply address changes; dossiers follow; prints a JSON summary."""
    size = batch_size or get_settings().import_batch_size
    with Progress(
        "[progress.description]{task.description}",
        BarColumn(),
        MofNCompleteColumn(),
        TimeRemainingColumn(),
        console=errors,
        transient=True,
    ) as progress:
        task = progress.add_task("applying moves", total=None)

        def advance(done: int, total: int) -> None:
            progress.update(task, completed=done, total=total)

        try:
            summary = import_moves(sessions(), path, size, advance)
        except CsvFormatError as error:
            fail(str(error))
    print_json(summary.as_json())
