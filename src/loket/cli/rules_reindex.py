"""`loket rules reindex --on DATE`: recompute the open living-wage dossiers after an index jump
and tell each citizen whose amount changes (registered on the `loket rules` command group)."""

from datetime import date

import typer

from loket.cli.common import console, fail, print_json, progress_bar, sessions
from loket.cli.rules import app
from loket.entitlements.reindex import reindex_living_wage
from loket.rules import RulesError


@app.command()
def reindex(
    on: str = typer.Option(..., "--on", help="The day the new amounts apply, as YYYY-MM-DD."),
    as_json: bool = typer.Option(False, "--json", help="Print a JSON summary."),
) -> None:
    """Recompute every open living-wage dossier with the amounts in force on a day; a dossier
    whose amount changes gets a new assessment and, when the living wage is being paid, its
    citizen a message. Running it again for the same day changes nothing."""
    try:
        day = date.fromisoformat(on)
    except ValueError:
        fail(f"--on: {on!r} is not a date as YYYY-MM-DD")
    try:
        with (
            progress_bar("recomputing living wages") as (advance, _relabel),
            sessions().begin() as session,
        ):
            summary = reindex_living_wage(session, day, progress=advance)
    except RulesError as error:
        fail(f"--on: {error}")
    if as_json:
        print_json(summary.as_json())
        return
    console.print(
        f"{summary.recomputed:,} living-wage dossiers recomputed for {day.isoformat()}: "
        f"{summary.changed:,} changed, {summary.unchanged:,} unchanged; "
        f"{summary.notified:,} citizens notified"
        + (f"; {summary.newer:,} already computed for a later day" if summary.newer else "")
    )
