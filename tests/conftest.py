"""Shared fixtures: every store-touching test runs on SQLite and on PostgreSQL.

PostgreSQL is taken from LOKET_TEST_POSTGRES_URL (default: the local test database). Where no
server answers, its half of the suite is skipped with a notice, unless LOKET_REQUIRE_POSTGRES=1
turns the skip into a failure. Under pytest-xdist every worker gets a database of its own, named
after the worker (`test_gw0`, `test_gw1` …) and created on demand next to the base database.
"""

import os
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from argon2 import PasswordHasher, profiles
from sqlalchemy import Connection, Engine, make_url, text, update
from sqlalchemy.orm import Session, sessionmaker

from loket.bootstrap import initialise
from loket.cases import staff
from loket.cases.model import Office
from loket.exchange.guards import install_guards, remove_guards
from loket.exchange.model import AccessLogHead
from loket.logins import service as logins
from loket.store.base import Base
from loket.store.engine import make_engine, session_factory

POSTGRES_URL = os.environ.get(
    "LOKET_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
)
REQUIRE_POSTGRES = os.environ.get("LOKET_REQUIRE_POSTGRES") == "1"
# Set by pytest-xdist in its worker processes ("gw0", "gw1" …); absent in a plain run.
XDIST_WORKER = os.environ.get("PYTEST_XDIST_WORKER", "")

# Tables loaded by `loket init`; every other table is emptied between tests.
REFERENCE_TABLES = {
    "region",
    "province",
    "municipality",
    "postal_code",
    "postal_code_municipality",
    "agency",
    "case_type",
    "office",
    "jurisdiction",
}


def mutable_tables() -> list[str]:
    return [t.name for t in reversed(Base.metadata.sorted_tables) if t.name not in REFERENCE_TABLES]


def _reset_written_postgres(connection: Connection) -> None:
    """Empty only the mutable tables a test wrote to and restart the id sequences it moved.

    Deleting the few rows a test leaves is far cheaper than truncating every table (about half
    a second per test); an insert that was rolled back leaves no row but still moved its
    sequence, hence the second query."""
    mutable = mutable_tables()
    holding_rows = " UNION ALL ".join(
        f"SELECT '{name}' WHERE EXISTS (SELECT 1 FROM {name})" for name in mutable
    )
    written = set(connection.execute(text(holding_rows)).scalars())
    if "access_log" in written:
        remove_guards(connection)
    for name in mutable:  # children before parents
        if name in written:
            connection.execute(text(f"DELETE FROM {name}"))
    moved_sequences = connection.execute(
        text(
            "SELECT sequence.sequencename FROM pg_sequences AS sequence"
            " JOIN pg_class AS relation ON relation.relname = sequence.sequencename"
            " AND relation.relkind = 'S'"
            " JOIN pg_depend AS dependency ON dependency.objid = relation.oid"
            " AND dependency.deptype IN ('a', 'i')"
            " JOIN pg_class AS owner ON owner.oid = dependency.refobjid"
            " WHERE sequence.schemaname = current_schema() AND sequence.last_value IS NOT NULL"
            " AND owner.relname = ANY(:mutable)"
        ),
        {"mutable": mutable},
    ).scalars()
    for sequence in moved_sequences:
        connection.execute(text(f"ALTER SEQUENCE {sequence} RESTART"))


def reset_data(engine: Engine) -> None:
    """Empty every table that tests write to, keeping geography and the office network.

    The access log refuses deletes; its guards are lifted for the reset and put back (also when
    a test left them off)."""
    with engine.begin() as connection:
        if engine.dialect.name == "postgresql":
            _reset_written_postgres(connection)
        else:
            remove_guards(connection)
            for name in mutable_tables():
                connection.execute(text(f"DELETE FROM {name}"))
        connection.execute(
            AccessLogHead.__table__.insert().values(id=1, seq=0, entry_hash="0" * 64)
        )
        # The office network is kept between tests; an e-mail address a test gave an office
        # (outbox, demo seed) must not change where the next test's messages go.
        connection.execute(update(Office).where(Office.email.is_not(None)).values(email=None))
        install_guards(connection)


def worker_postgres_url() -> str:
    """The PostgreSQL URL for this test process: the base URL, or under pytest-xdist a database
    of the worker's own (created when missing), so that parallel tests never share rows."""
    if not XDIST_WORKER:
        return POSTGRES_URL
    base = make_url(POSTGRES_URL)
    name = f"{base.database}_{XDIST_WORKER}"
    engine = make_engine(POSTGRES_URL)
    try:
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            exists = connection.scalar(
                text("SELECT 1 FROM pg_database WHERE datname = :name"), {"name": name}
            )
            if not exists:
                connection.execute(text(f'CREATE DATABASE "{name}"'))
    finally:
        engine.dispose()
    return base.set(database=name).render_as_string(hide_password=False)


@pytest.fixture(scope="session", autouse=True)
def cheap_password_hashing() -> Iterator[None]:
    """Hash API tokens and staff passwords with Argon2's cheapest parameters in this process.

    With the production cost (64 MiB, three passes) hashing took a third of the HTTP tests'
    time. The hashes stay real Argon2 hashes, verified by the same code; the production
    default is untouched, and `loket` subprocesses started by tests use it."""
    cheap = PasswordHasher.from_parameters(profiles.CHEAPEST)
    with pytest.MonkeyPatch.context() as patch:
        for module in (staff, logins):
            patch.setattr(module, "_hasher", cheap)
            patch.setattr(module, "_NO_USER_HASH", cheap.hash("no such user"))
        yield


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("template") / "loket.db"
    engine = make_engine(f"sqlite:///{path}")
    initialise(engine)
    with engine.connect() as connection:
        connection.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    engine.dispose()
    return path


@pytest.fixture(scope="session")
def postgres_engine() -> Iterator[Engine]:
    """This process's PostgreSQL database, emptied and migrated once per test session."""
    try:
        engine = make_engine(worker_postgres_url())
        with engine.connect() as connection:
            connection.execute(text("SELECT 1"))
    except Exception as error:  # noqa: BLE001 - any failure to connect means "no server"
        message = f"PostgreSQL at {POSTGRES_URL} does not answer: {error.__class__.__name__}"
        if REQUIRE_POSTGRES:
            pytest.fail(message + " (LOKET_REQUIRE_POSTGRES=1)")
        pytest.skip(message)
    with engine.begin() as connection:
        connection.execute(text("DROP SCHEMA public CASCADE"))
        connection.execute(text("CREATE SCHEMA public"))
    initialise(engine)
    yield engine
    engine.dispose()


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(
    request: pytest.FixtureRequest, sqlite_template: Path, tmp_path: Path
) -> Iterator[str]:
    """The URL of an initialised database with no citizens, dossiers or users yet."""
    if request.param == "sqlite":
        path = tmp_path / "loket.db"
        shutil.copy(sqlite_template, path)
        yield f"sqlite:///{path}"
    else:
        engine = request.getfixturevalue("postgres_engine")
        reset_data(engine)
        yield engine.url.render_as_string(hide_password=False)


@pytest.fixture
def engine(database_url: str) -> Iterator[Engine]:
    engine = make_engine(database_url)
    yield engine
    engine.dispose()


@pytest.fixture
def sessions(engine: Engine) -> sessionmaker[Session]:
    return session_factory(engine)


@pytest.fixture
def reset(engine: Engine) -> Callable[[], None]:
    """Empty the written tables again, for tests that run many examples on one database."""
    return lambda: reset_data(engine)
