"""Shared fixtures: every store-touching test runs on SQLite and on PostgreSQL.

PostgreSQL is taken from LOKET_TEST_POSTGRES_URL (default: the local test database). Where no
server answers, its half of the suite is skipped with a notice, unless LOKET_REQUIRE_POSTGRES=1
turns the skip into a failure.
"""

import os
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine, text
from sqlalchemy.orm import Session, sessionmaker

from loket.bootstrap import initialise
from loket.exchange.guards import install_guards, remove_guards
from loket.exchange.model import AccessLogHead
from loket.store.base import Base
from loket.store.engine import make_engine, session_factory

POSTGRES_URL = os.environ.get(
    "LOKET_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
)
REQUIRE_POSTGRES = os.environ.get("LOKET_REQUIRE_POSTGRES") == "1"

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


def reset_data(engine: Engine) -> None:
    """Empty every table that tests write to, keeping geography and the office network.

    The access log refuses deletes; its guards are lifted for the reset and put back."""
    with engine.begin() as connection:
        remove_guards(connection)
        if engine.dialect.name == "postgresql":
            names = ", ".join(mutable_tables())
            connection.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
        else:
            for name in mutable_tables():
                connection.execute(text(f"DELETE FROM {name}"))
        connection.execute(
            AccessLogHead.__table__.insert().values(id=1, seq=0, entry_hash="0" * 64)
        )
        install_guards(connection)


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
    engine = make_engine(POSTGRES_URL)
    try:
        with engine.connect() as connection:
            connection.execute(text("SELECT 1"))
    except Exception as error:  # noqa: BLE001 - any failure to connect means "no server"
        engine.dispose()
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
        yield POSTGRES_URL


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
