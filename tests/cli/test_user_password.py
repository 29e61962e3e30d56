"""`loket user password`: set the password a staff user signs in to the staff pages with; and
the demo staff users `loket demo` prints."""

from collections.abc import Callable, Iterator
from datetime import datetime

import pytest
from click.testing import Result
from sqlalchemy.orm import Session, sessionmaker
from typer.testing import CliRunner

from loket.cases.staff import add_user
from loket.cli.main import app
from loket.demo.staff import DEMO_STAFF, demo_login_rows, ensure_demo_staff
from loket.logins.service import LoginError, set_password, staff_login
from loket.settings import get_settings

Runner = Callable[[list[str], str], Result]


@pytest.fixture
def user(sessions: sessionmaker[Session]) -> str:
    with sessions.begin() as session:
        add_user(session, "clerk-1", "counter-clerk", "ocmw", "ocmw-44021")
    return "clerk-1"


@pytest.fixture
def run(database_url: str) -> Iterator[Runner]:
    def invoke(args: list[str], given: str) -> Result:
        return CliRunner().invoke(app, args, input=given, env={"LOKET_DATABASE_URL": database_url})

    get_settings.cache_clear()
    yield invoke
    get_settings.cache_clear()


def signs_in(sessions: sessionmaker[Session], username: str, password: str) -> bool:
    with sessions.begin() as session:
        try:
            staff_login(session, username, password, datetime.now())
        except LoginError:
            return False
    return True


def test_a_password_from_stdin_lets_the_user_sign_in(
    run: Runner, user: str, sessions: sessionmaker[Session]
) -> None:
    result = run(["user", "password", "--username", user, "--password-stdin"], "a long password!\n")
    assert result.exit_code == 0, result.output
    assert "a long password!" not in result.output
    assert signs_in(sessions, user, "a long password!")
    assert not signs_in(sessions, user, "another password")


def test_the_prompt_asks_twice_and_refuses_a_mismatch(
    run: Runner, user: str, sessions: sessionmaker[Session]
) -> None:
    typed = "twelve chars ok\ntwelve chars ok\n"
    result = run(["user", "password", "--username", user], typed)
    assert result.exit_code == 0, result.output
    assert "twelve chars ok" not in result.output  # hidden input is not echoed
    assert signs_in(sessions, user, "twelve chars ok")
    mismatch = run(["user", "password", "--username", user], "first password1\nsecond password\n")
    assert mismatch.exit_code != 0


def test_short_passwords_and_unknown_users_are_refused(run: Runner, user: str) -> None:
    short = run(["user", "password", "--username", user, "--password-stdin"], "short\n")
    assert short.exit_code == 2
    assert "at least 12 characters" in short.stderr
    unknown = run(
        ["user", "password", "--username", "nobody", "--password-stdin"], "long enough pass\n"
    )
    assert unknown.exit_code == 2
    assert "unknown" in unknown.stderr


def test_demo_staff_are_created_once_and_can_sign_in(sessions: sessionmaker[Session]) -> None:
    with sessions.begin() as session:
        first = ensure_demo_staff(session)
    assert [d.username for d in first] == [d.username for d in DEMO_STAFF]
    assert all(len(d.password) >= 12 for d in first)
    with sessions.begin() as session:
        assert ensure_demo_staff(session) == first  # created only when missing
    for demo in first:
        assert signs_in(sessions, demo.username, demo.password)
    roles = {row[1] for row in demo_login_rows(first)}
    assert {"counter-clerk", "case-worker", "privacy-officer"} <= roles
    # A demo user whose password was changed is no longer offered with the demo password.
    with sessions.begin() as session:
        set_password(session, first[0].username, "changed by the admin")
        assert first[0] not in ensure_demo_staff(session)
