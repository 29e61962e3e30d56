"""`loket import moves FILE.csv`."""

from pathlib import Path

import typer

from loket.cli.common import fail, print_json, progress_bar, sessions
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
    with progress_bar("applying moves") as (advance, _):
        try:
            summary = import_moves(sessions(), path, size, advance)
        except CsvFormatError as error:
            fail(str(error))
    print_json(summary.as_json())
