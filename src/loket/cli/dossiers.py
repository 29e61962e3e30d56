"""`loket dossier open` and `loket dossier list`."""

import typer

from loket.cases.dossiers import DossierError, list_dossiers, open_dossier
from loket.cases.queue import transfer_dossier, waiting_dossiers
from loket.cases.routing import RoutingError
from loket.cli.common import console, fail, print_json, sessions
from loket.people.identifiers import InvalidInsz
from loket.people.service import PeopleError

app = typer.Typer(help="Dossiers.", no_args_is_help=True)


@app.command("open")
def open_(
    insz: str = typer.Option(..., "--insz"),
    agency: str = typer.Option(..., "--agency"),
    case_type: str = typer.Option(..., "--type"),
    office: str = typer.Option(None, "--office", help="Office id, when routing cannot decide."),
    municipality: str = typer.Option(
        None, "--municipality", help="REFNIS code, for a postal code covering several."
    ),
) -> None:
    """Open a dossier at the competent office; prints its reference."""
    try:
        with sessions().begin() as session:
            dossier = open_dossier(
                session,
                insz=insz,
                agency=agency,
                case_type=case_type,
                office_id=office,
                municipality=municipality,
            )
            reference = dossier.reference
    except (InvalidInsz, PeopleError, DossierError, RoutingError) as error:
        fail(str(error))
    typer.echo(reference)


@app.command("list")
def list_(
    insz: str = typer.Option(..., "--insz"),
    as_json: bool = typer.Option(False, "--json"),
) -> None:
    """The citizen's dossiers with their office."""
    try:
        with sessions()() as session:
            rows = list_dossiers(session, insz)
    except (InvalidInsz, PeopleError) as error:
        fail(str(error))
    if as_json:
        print_json([row.as_json() for row in rows])
        return
    for row in rows:
        console.print(f"{row.reference}  {row.type}  {row.status}  {row.office_name}")


@app.command("transfer")
def transfer(
    reference: str = typer.Argument(...),
    office: str = typer.Option(..., "--office", help="The office that takes the dossier over."),
    reason: str = typer.Option(..., "--reason"),
) -> None:
    """Move a dossier by hand, e.g. one waiting because its postal code is ambiguous."""
    try:
        with sessions().begin() as session:
            dossier = transfer_dossier(session, reference, office, reason)
            where = dossier.office_id
    except DossierError as error:
        fail(str(error))
    console.print(f"{reference} is at {where}")


@app.command("queue")
def queue(
    office: str = typer.Option(None, "--office"),
    as_json: bool = typer.Option(False, "--json"),
) -> None:
    """Dossiers waiting for routing (moved abroad, unknown or ambiguous postal code)."""
    with sessions()() as session:
        waiting = waiting_dossiers(session, office)
    if as_json:
        print_json([w.__dict__ for w in waiting])
        return
    for w in waiting:
        console.print(f"{w.since}  {w.reference}  {w.office_id}  {w.reason}: {w.detail}")
