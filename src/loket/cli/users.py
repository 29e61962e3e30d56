"""`loket user add` and `loket user password`."""

import sys

import typer
from rich.markup import escape

from loket.cases.staff import StaffError, add_user
from loket.cli.common import errors, fail, sessions
from loket.logins.service import PasswordError, set_password

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


@app.command("password")
def password(
    username: str = typer.Option(..., "--username"),
    from_stdin: bool = typer.Option(
        False, "--password-stdin", help="Read the password from the first line of stdin."
    ),
) -> None:
    """Set the password a staff user signs in to the staff pages with (at least 12 characters).
    Asked for twice without echo, so it never lands in the shell history."""
    if from_stdin:
        secret = sys.stdin.readline().rstrip("\r\n")
    else:
        secret = typer.prompt("New password", hide_input=True, confirmation_prompt=True)
    try:
        with sessions().begin() as session:
            set_password(session, username, secret)
    except PasswordError as error:
        fail(str(error))
    errors.print(f"password set for {escape(username)}")
