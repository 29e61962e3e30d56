"""`loket insight divide-refresh [--since DATE]`: mark expired drafts as abandoned and bring the
digital-divide summary up to date (registered on the `loket insight` command group). Run it
from cron, e.g. every night; it recomputes only the periods that new events touch."""

from datetime import date

import typer

from loket.cli.common import console, fail, print_json, sessions
from loket.cli.insight import app
from loket.insight.divide_refresh import refresh


@app.command("divide-refresh")
def divide_refresh(
    since: str = typer.Option(
        "", "--since", help="Recompute every month, quarter and year from this day (YYYY-MM-DD)."
    ),
    as_json: bool = typer.Option(False, "--json", help="Print a JSON summary."),
) -> None:
    """Bring the digital-divide map's summary up to date: new events only, unless --since."""
    try:
        start = date.fromisoformat(since) if since else None
    except ValueError:
        fail(f"--since: {since!r} is not a date as YYYY-MM-DD")
    with sessions().begin() as session:
        result = refresh(session, date.today(), start)
    summary = {
        "abandoned_drafts": result.abandoned,
        "periods": list(result.periods),
        "last_event_id": result.last_event_id,
    }
    if as_json:
        print_json(summary)
        return
    console.print(
        f"{result.abandoned:,} drafts marked abandoned; "
        f"{len(result.periods)} periods recomputed ({', '.join(result.periods) or 'none'})"
    )
