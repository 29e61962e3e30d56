"""`loket jurisdiction import FILE.csv`, `loket offices near POSTCODE` and
`loket offices set-email OFFICE EMAIL`."""

from pathlib import Path

import typer

from loket.cases.jurisdiction_import import import_jurisdiction
from loket.cases.offices import UnknownOffice, nearest_offices, set_office_email
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


@offices_app.command("set-email")
def set_email(
    office_id: str = typer.Argument(..., help="The office id, like ocmw-44021."),
    email: str = typer.Argument(..., help='The address; "" to stop e-mail to the office.'),
) -> None:
    """Where the office's notifications go by e-mail; without one they wait on its outbox
    page (dead letters that `loket outbox retry` sends once an address is set)."""
    try:
        with sessions().begin() as session:
            set_office_email(session, office_id, email)
    except (UnknownOffice, ValueError) as error:
        fail(str(error))
    console.print(f"{office_id}: {email or 'no e-mail'}", highlight=False)
