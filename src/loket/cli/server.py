"""`loket init`, `loket seed`, `loket serve` and `loket demo`."""

import typer
from sqlalchemy import func, select

from loket.bootstrap import initialise
from loket.cli.common import console, engine, print_json, sessions
from loket.people.model import Citizen


def _init(as_json: bool = False) -> None:
    summary = initialise(engine())
    if as_json:
        print_json(summary.as_json())
        return
    g = summary.geography
    console.print(
        f"schema up to date; {g.municipalities} municipalities, {g.postal_codes} postal codes "
        f"({g.ambiguous_postal_codes} covering several municipalities, "
        f"{g.postal_codes_on_centroid} placed on their municipality's centroid); "
        f"{summary.offices_created} offices created"
    )


def _seed(people: int, seed: int, as_json: bool = False) -> None:
    from loket.demo.population import seed_population

    with console.status("seeding"):
        summary = seed_population(sessions(), people=people, seed=seed)
    if as_json:
        print_json(summary.as_json())
    else:
        console.print(f"seeded {summary.citizens} citizens and {summary.dossiers} dossiers")


def _serve(host: str, port: int) -> None:
    import uvicorn

    from loket.web.app import create_app

    uvicorn.run(create_app(), host=host, port=port)


def register(app: typer.Typer) -> None:
    @app.command()
    def init(as_json: bool = typer.Option(False, "--json", help="Print a JSON summary.")) -> None:
        """Create or upgrade the schema and load the reference geography and office network."""
        _init(as_json)

    @app.command()
    def seed(
        people: int = typer.Option(20000, "--people", min=1, help="Citizens to create."),
        seed: int = typer.Option(1, "--seed", help="Random seed; same seed, same data."),
        as_json: bool = typer.Option(False, "--json"),
    ) -> None:
        """Create a synthetic demo population with addresses and dossiers."""
        _seed(people, seed, as_json)

    @app.command()
    def serve(
        host: str = typer.Option("127.0.0.1", "--host"),
        port: int = typer.Option(8000, "--port"),
    ) -> None:
        """Serve the web pages and the JSON API."""
        _serve(host, port)

    @app.command()
    def demo(
        host: str = typer.Option("127.0.0.1", "--host"),
        port: int = typer.Option(8000, "--port"),
        people: int = typer.Option(20000, "--people", min=1),
    ) -> None:
        """init, seed when the database has no citizens yet, then serve."""
        _init()
        with sessions()() as session:
            empty = not session.scalar(select(func.count()).select_from(Citizen))
        if empty:
            _seed(people, 1)
        _serve(host, port)
