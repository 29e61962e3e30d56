"""`loket moves apply-due`: apply the moves that waited for their day; run it daily."""

import re
from datetime import date

import typer

from loket.cli.common import console, errors, fail, print_json, sessions
from loket.people import due_moves
from loket.people.due_moves import DueSummary, apply_due

app = typer.Typer(help="Moves dated in the future.", no_args_is_help=True)

ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


def parse_day(raw: str, option: str = "--on") -> date:
    """A day given as YYYY-MM-DD, not after today: a move is applied on its day, never before
    (dossiers would leave for the new office while the citizen still lives at the old one)."""
    try:
        if not ISO_DATE.fullmatch(raw):
            raise ValueError
        day = date.fromisoformat(raw)
    except ValueError:
        fail(f"{option}: {raw!r} is not a date as YYYY-MM-DD")
    now = due_moves.today()
    if day > now:
        fail(
            f"{option}: {day.isoformat()} is after today ({now.isoformat()}); "
            "a move is applied on its day, not before"
        )
    return day


def describe(summary: DueSummary) -> str:
    return (
        f"applied {summary.moves} moves due on or before {summary.on} "
        f"({summary.filed_in_history} of them into the address history); "
        f"{summary.dossiers_transferred} dossiers transferred, "
        f"{summary.queued_for_routing} waiting for routing; "
        f"{summary.still_waiting} moves wait for a later day"
    )


@app.command("apply-due")
def apply_due_command(
    on: str = typer.Option(
        None, "--on", help="Apply what is due on this day (YYYY-MM-DD, not after today)."
    ),
    as_json: bool = typer.Option(False, "--json", help="Print a JSON summary."),
) -> None:
    """Apply every move that waits for a day that has come; running it twice applies nothing
    the second time. Run it daily (loket serve also runs it when it starts)."""
    day = parse_day(on) if on is not None else due_moves.today()
    with errors.status(f"applying moves due on or before {day.isoformat()}"):
        summary = apply_due(sessions(), day)
    if as_json:
        print_json(summary.as_json())
        return
    console.print(describe(summary), highlight=False)
    for warning in summary.warnings:
        errors.print(warning, highlight=False, markup=False)
