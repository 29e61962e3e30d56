"""`loket moves apply-due` and the waiting moves of `loket import moves`, as an operator runs
them: JSON summaries, exit codes, and `loket serve` applying what is due when it starts.

The day is the server's calendar day; to reach a move's day the tests move that clock
(`loket.people.due_moves.today`), never the data.
"""

import json
import os
import subprocess
import sys
from datetime import date, timedelta
from pathlib import Path

import pytest
from click.testing import Result
from factories import citizen_at, open_dossiers
from typer.testing import CliRunner

from loket.cli.main import app
from loket.people import due_moves
from loket.settings import get_settings
from loket.store.engine import make_engine, session_factory

LOKET = Path(sys.executable).with_name("loket")
TODAY = date.today()
MOVING = TODAY + timedelta(days=30)


def loket(url: str, *args: str) -> Result:
    """Run the command line in-process on the database at `url`."""
    get_settings.cache_clear()
    try:
        return CliRunner().invoke(
            app, list(args), env={"LOKET_DATABASE_URL": url, "COLUMNS": "200"}
        )
    finally:
        get_settings.cache_clear()


def one_line(message: str) -> str:
    return " ".join(message.split())


@pytest.fixture
def resident(database_url: str) -> str:
    """The INSZ of a citizen in Gent with a leefloon dossier."""
    engine = make_engine(database_url)
    try:
        with session_factory(engine).begin() as session:
            citizen = citizen_at(session, "9000", since=date(2020, 1, 1))
            open_dossiers(session, citizen, ("leefloon",), on=date(2020, 1, 1))
            return citizen.insz
    finally:
        engine.dispose()


def dossier_office(url: str, insz: str) -> str:
    result = loket(url, "dossier", "list", "--insz", insz, "--json")
    assert result.exit_code == 0, result.output
    (dossier,) = json.loads(result.stdout)
    office: str = dossier["office"]["id"]
    return office


def test_a_move_imported_before_its_day_waits_and_apply_due_moves_the_dossier_on_it(
    database_url: str, resident: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "moves.csv"
    path.write_text(
        "event_id,insz,effective_date,street,house_number,box,postcode,country\n"
        f"m1,{resident},{MOVING.isoformat()},Meir,12,,2000,BE\n",
        encoding="utf-8",
    )

    imported = loket(database_url, "import", "moves", str(path))
    early = loket(database_url, "moves", "apply-due", "--json")

    assert imported.exit_code == 0, imported.output
    summary = json.loads(imported.stdout)
    assert (summary["scheduled"], summary["applied"], summary["dossiers_transferred"]) == (1, 0, 0)
    assert early.exit_code == 0, early.output
    assert json.loads(early.stdout) == {
        "on": TODAY.isoformat(),
        "applied": 0,
        "filed_in_history": 0,
        "dossiers_transferred": 0,
        "queued_for_routing": 0,
        "still_waiting": 1,
        "warnings": [],
    }
    assert dossier_office(database_url, resident) == "ocmw-44021"

    monkeypatch.setattr(due_moves, "today", lambda: MOVING)
    on_the_day = loket(database_url, "moves", "apply-due")
    again = loket(database_url, "moves", "apply-due", "--json")

    assert on_the_day.exit_code == 0, on_the_day.output
    assert one_line(on_the_day.stdout) == (
        f"applied 1 moves due on or before {MOVING.isoformat()} (0 of them into the address "
        "history); 1 dossiers transferred, 0 waiting for routing; 0 moves wait for a later day"
    )
    assert dossier_office(database_url, resident) == "ocmw-11002"
    assert json.loads(again.stdout)["applied"] == 0


@pytest.mark.parametrize(
    ("given", "complaint"),
    [
        ("tomorrow", "'tomorrow' is not a date as YYYY-MM-DD"),
        ("2026-02-30", "'2026-02-30' is not a date as YYYY-MM-DD"),
        ("5-12-2026", "'5-12-2026' is not a date as YYYY-MM-DD"),
        ("", "'' is not a date as YYYY-MM-DD"),
        (
            (TODAY + timedelta(days=1)).isoformat(),
            f"is after today ({TODAY.isoformat()}); a move is applied on its day, not before",
        ),
    ],
)
def test_apply_due_refuses_a_bad_or_future_day_naming_the_option(
    database_url: str, given: str, complaint: str
) -> None:
    result = loket(database_url, "moves", "apply-due", "--on", given)

    assert result.exit_code == 2
    assert "--on:" in one_line(result.output) and complaint in one_line(result.output)


def test_apply_due_on_a_past_day_applies_only_what_was_due_then(
    database_url: str, resident: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "moves.csv"
    path.write_text(
        "event_id,insz,effective_date,street,house_number,box,postcode,country\n"
        f"m1,{resident},{MOVING.isoformat()},Meir,12,,2000,BE\n"
        f"m2,{resident},{(MOVING + timedelta(days=10)).isoformat()},Grote Markt,1,,3000,BE\n",
        encoding="utf-8",
    )
    assert loket(database_url, "import", "moves", str(path)).exit_code == 0
    monkeypatch.setattr(due_moves, "today", lambda: MOVING + timedelta(days=20))

    result = loket(database_url, "moves", "apply-due", "--on", MOVING.isoformat(), "--json")

    assert result.exit_code == 0, result.output
    summary = json.loads(result.stdout)
    assert (summary["on"], summary["applied"], summary["still_waiting"]) == (
        MOVING.isoformat(),
        1,
        1,
    )
    assert dossier_office(database_url, resident) == "ocmw-11002"


def test_serve_applies_the_moves_that_are_due_before_it_starts(
    database_url: str, resident: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import uvicorn

    path = tmp_path / "moves.csv"
    path.write_text(
        "event_id,insz,effective_date,street,house_number,box,postcode,country\n"
        f"m1,{resident},{MOVING.isoformat()},Meir,12,,2000,BE\n",
        encoding="utf-8",
    )
    assert loket(database_url, "import", "moves", str(path)).exit_code == 0
    served: list[str] = []
    monkeypatch.setattr(uvicorn, "run", lambda *args, **kwargs: served.append("served"))
    monkeypatch.setattr(due_moves, "today", lambda: MOVING)

    result = loket(database_url, "serve", "--port", "8765")

    assert result.exit_code == 0, result.output
    assert served == ["served"]
    assert "applied 1 moves due on or before" in one_line(result.output)
    assert dossier_office(database_url, resident) == "ocmw-11002"


def test_a_bad_day_exits_2_from_a_real_process(tmp_path: Path) -> None:
    env = {**os.environ, "LOKET_DATABASE_URL": f"sqlite:///{tmp_path / 'unused.db'}"}
    done = subprocess.run(
        [str(LOKET), "moves", "apply-due", "--on", "31/12/2026"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )

    assert done.returncode == 2
    assert "--on: '31/12/2026' is not a date as YYYY-MM-DD" in one_line(done.stderr)
    assert "Traceback" not in done.stderr


def test_serve_refuses_a_public_url_that_would_be_printed_wrong_on_attestations(
    database_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    import uvicorn

    served: list[str] = []
    monkeypatch.setattr(uvicorn, "run", lambda *args, **kwargs: served.append("served"))
    monkeypatch.setenv("LOKET_PUBLIC_URL", "loket.example.be/verify?x=1")

    refused = loket(database_url, "serve", "--port", "8765")

    assert refused.exit_code == 2
    assert "LOKET_PUBLIC_URL" in one_line(refused.output)
    assert served == []

    monkeypatch.delenv("LOKET_PUBLIC_URL")
    started = loket(database_url, "serve", "--port", "8765")

    assert started.exit_code == 0, started.output
    assert served == ["served"]
    assert "LOKET_PUBLIC_URL is not set" in one_line(started.output)
