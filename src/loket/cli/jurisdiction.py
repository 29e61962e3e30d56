"""`loket jurisdiction import FILE.csv` and `loket offices near POSTCODE`."""

from pathlib import Path

import typer

from loket.cases.jurisdiction_import import import_jurisdiction
from loket.cases.offices import nearest_offices
from loket.cases.routing import RoutingError
from loket.cli.common import console, fail, print_json, sessions
from loket.store.csvio import CsvFormatError

app = typer.Typer(help="Who is competent where.", no_args_is_help=True)
offices_app = typer.Typer(help="Offices.", no_args_is_help=True)


@app.command("import")
def import_(path: Path = typer.Argument(..., exists=True, dir_okay=False)) -> None:
    """Add jurisdiction rows (agency, municipality or postal_code, office_id, valid_from,
    valid_to); prints a JSON summary."""
    try:
        with sessions().begin() as session:
            summary = import_jurisdiction(session, path)
    except CsvFormatError as error:
        fail(str(error))
    print_json(summary.as_json())


@offices_app.command("near")
def near(
    postcode: str = typer.Argument(...),
    agency: str = typer.Option(None, "--agency"),
    limit: int = typer.Option(3, "--limit", min=1),
    as_json: bool = typer.Option(False, "--json"),
) -> None:
    """The offices nearest to POSTCODE."""
    try:
        with sessions()() as session:
            found = nearest_offices(session, postcode, agency, limit)
    except RoutingError as error:
        fail(str(error))
    rows = [
        {
            "id": n.office.id,
            "name": n.office.name,
            "municipality": n.office.municipality_refnis,
            "distance_km": round(n.distance_km, 1),
        }
        for n in found
    ]
    if as_json:
        print_json(rows)
        return
    for row in rows:
        console.print(f"{row['distance_km']:>6} km  {row['name']} ({row['id']})")
