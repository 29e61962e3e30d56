"""`loket init`, `loket seed`, `loket serve` and `loket demo`."""

import os
from pathlib import Path
from typing import TYPE_CHECKING

import typer
from sqlalchemy import func, select

from loket.bootstrap import initialise
from loket.cli.common import (
    console,
    engine,
    errors,
    fail,
    print_json,
    progress_bar,
    sessions,
)
from loket.people.model import Citizen
from loket.settings import get_settings

if TYPE_CHECKING:
    from loket.demo.control import ControlDemoSummary


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


def _seed(
    people: int,
    seed: int,
    as_json: bool = False,
    moves_file: Path | None = None,
    moves: int | None = None,
) -> None:
    from loket.demo.contacts import seed_demo_email_addresses
    from loket.demo.moves import write_moves_csv
    from loket.demo.population import seed_population

    with progress_bar("seeding citizens", people) as (advance, relabel):
        try:
            summary = seed_population(sessions(), people=people, seed=seed, progress=advance)
            written = None
            if moves_file is not None:
                wanted = moves if moves is not None else people
                relabel("writing moves")
                written = write_moves_csv(sessions(), moves_file, wanted, seed, progress=advance)
        except LookupError as error:  # no reference geography or no citizens yet
            fail(str(error))
    with sessions().begin() as session:
        seed_demo_email_addresses(session)
    control = _seed_control(seed)
    channel_events = _seed_channel_history(seed)
    if as_json:
        data: dict[str, object] = dict(summary.as_json())
        data["channel_events"] = channel_events
        if moves_file is not None:
            data["moves_file"] = str(moves_file)
            data["moves"] = written
        data["control"] = control.as_json()
        print_json(data)
    else:
        console.print(f"seeded {summary.citizens} citizens and {summary.dossiers} dossiers")
        if moves_file is not None:
            console.print(f"wrote {written} moves to {moves_file}")
        _print_control_summary(control)
        console.print(f"{channel_events:,} channel events for the digital-divide map")


def _seed_channel_history(seed: int) -> int:
    """A year of contacts by channel in every municipality, summarised for the map."""
    from datetime import date, timedelta

    from loket.demo.channel_history import seed_channel_history
    from loket.insight.divide_refresh import refresh

    with errors.status("writing a year of channel history"), sessions().begin() as session:
        written = seed_channel_history(session, seed)
        refresh(session, date.today(), date.today() - timedelta(days=366))
    return written


def _print_control_summary(control: "ControlDemoSummary") -> None:
    if control.created:
        console.print(
            f"scored {control.dossiers:,} enterprise dossiers for tax control; "
            f"{control.awaiting_review} selected dossiers are awaiting review "
            f"(run {control.run_id})"
        )
    else:
        console.print(
            f"control run {control.run_id} was already loaded; "
            f"{control.awaiting_review} of its {control.selected} selected dossiers are "
            "awaiting review"
        )


def _seed_control(seed: int) -> "ControlDemoSummary":
    """A control run awaiting review, unless the database has one already."""
    from loket.control.review import SelectionFileError
    from loket.control.score import ScoringError
    from loket.demo.control import DEMO_DOSSIERS, control_workdir, seed_control_run

    workdir = control_workdir(get_settings().database_url)
    status = f"scoring {DEMO_DOSSIERS:,} enterprise dossiers for tax control"
    try:
        with errors.status(status), sessions().begin() as session:
            return seed_control_run(session, workdir, seed)
    except (ScoringError, SelectionFileError, OSError) as error:
        fail(f"control demo in {workdir}: {error}")


def _print_demo_staff() -> None:
    """Create the demo staff users when missing and show how to sign in as them."""
    from rich.table import Table

    from loket.control.model import ControlRun
    from loket.demo.conflicts import seed_demo_conflicts
    from loket.demo.consultations import seed_demo_consultations
    from loket.demo.staff import demo_api_token, demo_login_rows, ensure_demo_staff

    with sessions().begin() as session:
        logins = ensure_demo_staff(session)
        seed_demo_consultations(session)
        seed_demo_conflicts(session)
        # The review API takes a bearer token, not the sign-in password: a fresh one per start.
        analyst = next((login for login in logins if login.role == "analyst"), None)
        token = demo_api_token(session, analyst) if analyst else None
        run_id = session.scalar(
            select(ControlRun.run_id).order_by(ControlRun.loaded_at.desc()).limit(1)
        )
    table = Table(title="Demo staff sign-in at /staff/login (made-up data only)")
    for column in ("username", "role", "office", "password"):
        table.add_column(column)
    for row in demo_login_rows(logins):
        table.add_row(*row)
    console.print(table)
    if analyst is not None and token is not None:
        console.print(
            f"API token of {analyst.username} for the control review at "
            f"/api/v1/control/runs/{run_id or '<run>'}/queue "
            "(header Authorization: Bearer <token>):",
            highlight=False,
        )
        console.print(token, highlight=False, markup=False, soft_wrap=True)


def _apply_due_moves() -> None:
    """Apply the moves whose day has come before serving, so a server restarted after days off
    shows today's addresses and offices. A database the server cannot read moves from (not yet
    initialised) is said, not fatal: the pages say the same once they are asked for."""
    from sqlalchemy.exc import SQLAlchemyError

    from loket.cli.moves import describe
    from loket.people import due_moves

    try:
        summary = due_moves.apply_due(sessions(), due_moves.today())
    except SQLAlchemyError as error:
        errors.print(
            f"[bold yellow]warning:[/] moves due today were not applied ({type(error).__name__}); "
            "run `loket init`, then `loket moves apply-due`",
            highlight=False,
        )
        return
    errors.print(describe(summary), highlight=False, markup=False)


def _check_public_url() -> None:
    """A wrong LOKET_PUBLIC_URL would be printed on every attestation issued: refuse to
    start with it. Unset, the attestations point to this machine, which is said."""
    from loket.documents.public_url import DEFAULT_PUBLIC_URL, PublicUrlError, public_url

    try:
        public_url()
    except PublicUrlError as error:
        fail(str(error))
    if not get_settings().public_url.strip():
        errors.print(
            f"[bold yellow]warning:[/] LOKET_PUBLIC_URL is not set; attestations issued now point "
            f"to {DEFAULT_PUBLIC_URL}/verify/…, which works on this machine only",
            highlight=False,
        )


def _serve(host: str, port: int, workers: int = 1) -> None:
    import uvicorn

    _check_public_url()
    _apply_due_moves()
    if workers > 1:
        # Each worker process builds its own app (and database pool) from the settings.
        uvicorn.run(
            "loket.web.app:create_app",
            factory=True,
            host=host,
            port=port,
            workers=workers,
            log_level="warning",
        )
        return
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
        write_moves: Path = typer.Option(
            None, "--write-moves", dir_okay=False, help="Also write a moves CSV for the citizens."
        ),
        moves: int = typer.Option(
            None, "--moves", min=0, help="Rows for --write-moves (default: one per new citizen)."
        ),
    ) -> None:
        """Create a synthetic demo population with addresses and dossiers."""
        if moves is not None and write_moves is None:
            fail("--moves: give --write-moves FILE too")
        _seed(people, seed, as_json, write_moves, moves)

    @app.command()
    def serve(
        host: str = typer.Option("127.0.0.1", "--host"),
        port: int = typer.Option(8000, "--port"),
        workers: int = typer.Option(
            1, "--workers", min=1, help="Worker processes; one per CPU core is a good start."
        ),
    ) -> None:
        """Serve the web pages and the JSON API."""
        _serve(host, port, workers)

    @app.command()
    def demo(
        host: str = typer.Option("127.0.0.1", "--host"),
        port: int = typer.Option(8000, "--port"),
        people: int = typer.Option(20000, "--people", min=1),
    ) -> None:
        """init, seed when the database has no citizens yet, then serve in demo mode (a citizen
        may identify with the X-Demo-Citizen header; never use this in production)."""
        os.environ["LOKET_DEMO_MODE"] = "1"
        # The demo is served over plain http on loopback, where a Secure cookie would be lost.
        os.environ.setdefault("LOKET_COOKIE_SECURE", "0")
        get_settings.cache_clear()
        _init()
        with sessions()() as session:
            empty = not session.scalar(select(func.count()).select_from(Citizen))
        if empty:
            _seed(people, 1)
        else:
            # A demo database from before the control review gains a run; others keep theirs.
            _print_control_summary(_seed_control(1))
        _print_demo_staff()
        from loket.cli.outbox import start_in_background

        outbox_worker = start_in_background()
        try:
            _serve(host, port)
        finally:
            outbox_worker.requested = True
