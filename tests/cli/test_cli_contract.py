"""The `loket` command line as DESIGN.md promises it: outputs, JSON shapes and exit codes.

Most commands run in-process through Typer's test runner; where the promise is about the process
itself (exit codes, `python -m loket`, `loket init` on a new database) a real process runs.
"""

import json
import os
import re
import subprocess
import sys
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from click.testing import Result
from sqlalchemy import func, select, text
from sqlalchemy.engine import make_url
from typer.testing import CliRunner

from loket.cases.staff import authenticate
from loket.cli.main import app
from loket.people.identifiers import validate_insz
from loket.people.model import Address, Citizen
from loket.settings import get_settings
from loket.store.engine import make_engine, session_factory

LOKET = Path(sys.executable).with_name("loket")
EMPTY_SCHEMA = "loket_cli_empty"


def make_insz(birth: date, serial: int) -> str:
    first9 = f"{birth:%y%m%d}{serial:03d}"
    base = int(("2" if birth.year >= 2000 else "") + first9)
    number = f"{first9}{97 - base % 97:02d}"
    assert validate_insz(number) == (number, "nn")
    return number


LIES = make_insz(date(1990, 4, 12), 207)


def loket(url: str, *args: str) -> Result:
    """Run the command line in-process on the database at `url`."""
    get_settings.cache_clear()  # the settings are cached per process
    try:
        return CliRunner().invoke(app, list(args), env={"LOKET_DATABASE_URL": url})
    finally:
        get_settings.cache_clear()


def loket_process(url: str, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "LOKET_DATABASE_URL": url}
    return subprocess.run([str(LOKET), *args], env=env, capture_output=True, text=True, timeout=300)


def one_line(message: str) -> str:
    """Messages are wrapped to the terminal width; compare them as one line."""
    return " ".join(message.split())


def register_lies(url: str, insz: str = LIES) -> Result:
    return loket(
        url,
        "citizen", "add",
        "--insz", insz,
        "--family-name", "Janssens",
        "--given-names", "Lies",
        "--birth-date", "1990-04-12",
        "--street", "Veldstraat",
        "--house-number", "10",
        "--postcode", "9000",
    )  # fmt: skip


@pytest.fixture
def empty_url(database_url: str, tmp_path: Path) -> Iterator[str]:
    """A database on the same backend on which `loket init` never ran."""
    if make_url(database_url).get_backend_name() == "sqlite":
        yield f"sqlite:///{tmp_path / 'new' / 'loket.db'}"
        return
    admin = make_engine(database_url)
    with admin.begin() as connection:
        connection.execute(text(f"DROP SCHEMA IF EXISTS {EMPTY_SCHEMA} CASCADE"))
        connection.execute(text(f"CREATE SCHEMA {EMPTY_SCHEMA}"))
    url = make_url(database_url).update_query_dict({"options": f"-csearch_path={EMPTY_SCHEMA}"})
    yield url.render_as_string(hide_password=False)
    with admin.begin() as connection:
        connection.execute(text(f"DROP SCHEMA IF EXISTS {EMPTY_SCHEMA} CASCADE"))
    admin.dispose()


def test_init_sets_up_a_new_database_and_running_it_again_keeps_everything(
    empty_url: str,
) -> None:
    first = loket_process(empty_url, "init", "--json")
    assert first.returncode == 0, first.stderr
    assert register_lies(empty_url).exit_code == 0
    assert loket(empty_url, "dossier", "open", "--insz", LIES, "--agency", "ocmw",
                 "--type", "leefloon").exit_code == 0  # fmt: skip

    second = loket_process(empty_url, "init", "--json")

    assert second.returncode == 0, second.stderr
    created, again = json.loads(first.stdout), json.loads(second.stdout)
    assert created["offices_created"] > 500  # one OCMW per municipality, and more
    assert again["offices_created"] == 0
    assert again["geography"] == created["geography"]
    listed = json.loads(loket(empty_url, "dossier", "list", "--insz", LIES, "--json").stdout)
    assert [(d["type"], d["office"]["id"]) for d in listed] == [("leefloon", "ocmw-44021")]


def test_route_names_the_competent_office_as_json(database_url: str) -> None:
    result = loket(database_url, "route", "9000", "--json")

    assert result.exit_code == 0, result.output
    office = json.loads(result.stdout)["office"]
    assert set(office) == {"id", "name", "municipality"}
    assert (office["id"], office["municipality"]) == ("ocmw-44021", "44021")
    assert "Gent" in office["name"]


def test_route_for_another_agency_names_its_regional_office(database_url: str) -> None:
    result = loket(database_url, "route", "9000", "--agency", "fin", "--json")

    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["office"]["id"] == "fin-gent"


def test_route_of_a_postcode_covering_two_municipalities_names_both_and_fails(
    database_url: str,
) -> None:
    result = loket_process(database_url, "route", "1040")

    assert result.returncode != 0
    message = one_line(result.stderr)
    assert "1040" in message and "Brussel" in message and "Etterbeek" in message
    assert result.stdout.strip() == ""  # no office is named


def test_route_of_an_unknown_postcode_fails_naming_it(database_url: str) -> None:
    result = loket_process(database_url, "route", "9999")

    assert result.returncode != 0
    assert "9999" in one_line(result.stderr)
    assert result.stdout.strip() == ""


def test_dossier_open_prints_the_reference_numbered_per_office_and_year(
    database_url: str,
) -> None:
    assert register_lies(database_url).exit_code == 0

    first = loket(database_url, "dossier", "open", "--insz", LIES, "--agency", "ocmw",
                  "--type", "leefloon")  # fmt: skip
    second = loket(database_url, "dossier", "open", "--insz", LIES, "--agency", "ocmw",
                   "--type", "debt-mediation")  # fmt: skip

    year = date.today().year
    assert (first.exit_code, first.stdout.strip()) == (0, f"OCMW-44021-{year}-000001")
    assert (second.exit_code, second.stdout.strip()) == (0, f"OCMW-44021-{year}-000002")


def test_dossier_list_as_json_gives_each_dossier_with_its_office(database_url: str) -> None:
    assert register_lies(database_url).exit_code == 0
    leefloon = loket(database_url, "dossier", "open", "--insz", LIES, "--agency", "ocmw",
                     "--type", "leefloon").stdout.strip()  # fmt: skip
    tax = loket(database_url, "dossier", "open", "--insz", LIES, "--agency", "fin",
                "--type", "tax-collection").stdout.strip()  # fmt: skip

    result = loket(database_url, "dossier", "list", "--insz", LIES, "--json")

    assert result.exit_code == 0, result.output
    listed = sorted(json.loads(result.stdout), key=lambda d: d["agency"])
    for dossier in listed:
        assert dossier["office"]["name"]  # a name a citizen can read
        del dossier["office"]["name"]
    assert listed == [
        {
            "reference": tax,
            "agency": "fin",
            "type": "tax-collection",
            "status": "requested",
            "office": {"id": "fin-gent", "municipality": "44021"},
        },
        {
            "reference": leefloon,
            "agency": "ocmw",
            "type": "leefloon",
            "status": "requested",
            "office": {"id": "ocmw-44021", "municipality": "44021"},
        },
    ]


def test_citizen_add_with_an_invalid_insz_fails_naming_the_field(database_url: str) -> None:
    wrong = LIES[:9] + f"{(int(LIES[9:]) + 1) % 100:02d}"

    result = register_lies(database_url, wrong)

    assert result.exit_code != 0
    assert "insz" in one_line(result.stderr)
    engine = make_engine(database_url)
    with session_factory(engine)() as session:
        assert session.scalar(select(func.count()).select_from(Citizen)) == 0
    engine.dispose()


def test_user_add_prints_a_token_that_authenticates_the_user(database_url: str) -> None:
    result = loket(database_url, "user", "add", "--username", "u", "--role", "case-worker",
                   "--agency", "ocmw", "--office", "ocmw-44021")  # fmt: skip

    assert result.exit_code == 0, result.output
    token = result.stdout.strip()
    assert re.fullmatch(r"\S+", token), "stdout holds the token and nothing else"
    engine = make_engine(database_url)
    with session_factory(engine)() as session:
        user = authenticate(session, token)
        assert (user.username, user.role, user.office_id) == ("u", "case-worker", "ocmw-44021")
    engine.dispose()


def test_citizen_add_with_an_overlong_house_number_gives_a_message_not_a_crash(
    database_url: str, request: pytest.FixtureRequest
) -> None:
    number = "12 bus 3 achtergebouw links"

    result = loket(
        database_url,
        "citizen", "add",
        "--insz", LIES,
        "--family-name", "Janssens",
        "--given-names", "Lies",
        "--birth-date", "1990-04-12",
        "--street", "Veldstraat",
        "--house-number", number,
        "--postcode", "9000",
    )  # fmt: skip

    # A message names the option; never a traceback, and nobody is registered.
    assert isinstance(result.exception, SystemExit), result.exception
    assert result.exit_code != 0
    assert "house-number" in one_line(result.stderr)
    engine = make_engine(database_url)
    with session_factory(engine)() as session:
        assert session.scalar(select(Address.house_number)) is None
    engine.dispose()


@pytest.mark.parametrize(
    "role",
    [
        "boss",
        "[admin]",  # brackets are not taken as terminal markup
        "[/]",
    ],
)
def test_user_add_with_an_unknown_role_fails_listing_the_roles(
    database_url: str, role: str
) -> None:
    result = loket(database_url, "user", "add", "--username", "u", "--role", role,
                   "--agency", "ocmw")  # fmt: skip

    assert result.exit_code != 0
    message = one_line(result.stderr)
    assert "role" in message and repr(role) in message
    assert "case-worker" in message and "privacy-officer" in message
    assert result.stdout.strip() == ""


def test_python_dash_m_loket_shows_the_commands() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "loket", "--help"], capture_output=True, text=True, timeout=60
    )

    assert result.returncode == 0, result.stderr
    for command in ("init", "route", "citizen", "dossier", "user", "import"):
        assert re.search(rf"\b{command}\b", result.stdout), command
