"""`loket citizen add`."""

from datetime import date

import typer

from loket.cli.common import console, fail, sessions
from loket.people.identifiers import InvalidInsz
from loket.people.service import NewAddress, PeopleError, add_citizen

app = typer.Typer(help="Citizens.", no_args_is_help=True)


@app.command("add")
def add(
    insz: str = typer.Option(..., "--insz"),
    family_name: str = typer.Option(..., "--family-name"),
    given_names: str = typer.Option(..., "--given-names"),
    birth_date: str = typer.Option(..., "--birth-date", help="YYYY-MM-DD"),
    street: str = typer.Option(..., "--street"),
    house_number: str = typer.Option(..., "--house-number"),
    postcode: str = typer.Option(..., "--postcode"),
    box: str = typer.Option(None, "--box"),
    language: str = typer.Option("nl", "--language", help="nl, fr, de or en"),
    email: str = typer.Option(
        None, "--email", help="Notifications go here; without one they go by letter."
    ),
) -> None:
    """Register a citizen with an address in Belgium."""
    try:
        born = date.fromisoformat(birth_date)
    except ValueError:
        fail(f"--birth-date: {birth_date!r} is not a date as YYYY-MM-DD")
    try:
        with sessions().begin() as session:
            citizen = add_citizen(
                session,
                insz=insz,
                family_name=family_name,
                given_names=given_names,
                birth_date=born,
                address=NewAddress(street, house_number, postcode, box),
                language=language,
                email=email,
            )
            number = citizen.insz
    except (InvalidInsz, PeopleError) as error:
        fail(str(error))
    console.print(f"registered {number}")
