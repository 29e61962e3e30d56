"""`loket user add`."""

import typer

from loket.cases.staff import StaffError, add_user
from loket.cli.common import errors, fail, sessions

app = typer.Typer(help="Staff users.", no_args_is_help=True)


@app.command("add")
def add(
    username: str = typer.Option(..., "--username"),
    role: str = typer.Option(..., "--role"),
    agency: str = typer.Option(..., "--agency"),
    office: str = typer.Option(None, "--office"),
) -> None:
    """Create a staff user and print their API token (shown only this once)."""
    try:
        with sessions().begin() as session:
            _, token = add_user(session, username, role, agency, office)
    except StaffError as error:
        fail(str(error))
    errors.print("API token (shown once; keep it safe):")
    typer.echo(token)
