"""`loket route POSTCODE`: the competent office."""

from datetime import date

import typer

from loket.cases.routing import AmbiguousPostcode, Router, RoutingError
from loket.cli.common import console, fail, print_json, sessions


def register(app: typer.Typer) -> None:
    @app.command()
    def route(
        postcode: str = typer.Argument(..., help="A Belgian postal code, e.g. 9000."),
        agency: str = typer.Option("ocmw", "--agency", help="ocmw, fin, davo or podmi."),
        on: str = typer.Option(None, "--on", help="Day as YYYY-MM-DD (default today)."),
        as_json: bool = typer.Option(False, "--json"),
    ) -> None:
        """Name the office of AGENCY competent for POSTCODE."""
        try:
            day = date.fromisoformat(on) if on else date.today()
        except ValueError:
            fail(f"--on: {on!r} is not a date as YYYY-MM-DD")
        with sessions()() as session:
            router = Router.load(session)
        try:
            office = router.route(postcode, agency, day)
        except AmbiguousPostcode as error:
            if as_json:
                print_json(
                    {
                        "postcode": postcode,
                        "agency": agency,
                        "error": "ambiguous-postcode",
                        "message": str(error),
                        "candidates": [c.__dict__ for c in error.candidates],
                    }
                )
                raise typer.Exit(3) from None
            fail(str(error), 3)
        except RoutingError as error:
            if as_json:
                print_json({"postcode": postcode, "agency": agency, "message": str(error),
                            "error": type(error).__name__})  # fmt: skip
                raise typer.Exit(3) from None
            fail(str(error), 3)
        if as_json:
            print_json({"postcode": postcode, "agency": agency, "office": office.as_json()})
        else:
            console.print(f"{postcode} → {office.name} ({office.id})")
