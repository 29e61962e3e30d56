"""The schema comes from Alembic migrations only, and they describe exactly the models."""

from collections.abc import Iterator

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from factories import citizen_at
from sqlalchemy import Engine, create_engine, inspect, text
from sqlalchemy.engine import make_url

from loket.people.service import get_citizen
from loket.store.engine import make_engine
from loket.store.schema import alembic_config, metadata, upgrade

HEAD = ScriptDirectory.from_config(alembic_config()).get_current_head()


def _differences(engine: Engine) -> list:
    with engine.connect() as connection:
        context = MigrationContext.configure(
            connection, opts={"compare_type": True, "compare_server_default": True}
        )
        return compare_metadata(context, metadata)


def _revision(engine: Engine) -> str | None:
    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def _tables(engine: Engine) -> set[str]:
    return set(inspect(engine).get_table_names()) - {"alembic_version"}


@pytest.fixture
def empty_engine(database_url: str, tmp_path) -> Iterator[Engine]:
    """An engine on an empty database: a new SQLite file, or a new PostgreSQL schema."""
    if make_url(database_url).get_backend_name() == "sqlite":
        engine = make_engine(f"sqlite:///{tmp_path / 'empty.db'}")
        yield engine
        engine.dispose()
        return
    schema = "loket_migration_check"
    with create_engine(database_url).begin() as connection:
        connection.execute(text(f"DROP SCHEMA IF EXISTS {schema} CASCADE"))
        connection.execute(text(f"CREATE SCHEMA {schema}"))
    engine = create_engine(database_url, connect_args={"options": f"-csearch_path={schema}"})
    try:
        yield engine
    finally:
        engine.dispose()
        with create_engine(database_url).begin() as connection:
            connection.execute(text(f"DROP SCHEMA IF EXISTS {schema} CASCADE"))


def test_the_newest_migration_describes_the_models_exactly(engine):
    assert _revision(engine) == HEAD
    assert _differences(engine) == []


def test_migrating_an_empty_database_creates_every_table(empty_engine):
    assert _tables(empty_engine) == set()
    upgrade(empty_engine)
    assert _revision(empty_engine) == HEAD
    assert _tables(empty_engine) == set(metadata.tables)
    assert _differences(empty_engine) == []


def test_upgrading_again_changes_nothing_and_keeps_the_data(engine, sessions):
    with sessions.begin() as session:
        insz = citizen_at(session, "9000").insz
    tables = _tables(engine)
    upgrade(engine)
    upgrade(engine)
    assert _revision(engine) == HEAD
    assert _tables(engine) == tables
    assert _differences(engine) == []
    with sessions() as session:
        assert get_citizen(session, insz).insz == insz


def test_the_migrations_can_be_undone_and_done_again(empty_engine):
    upgrade(empty_engine)
    config = alembic_config()
    with empty_engine.begin() as connection:
        config.attributes["connection"] = connection
        command.downgrade(config, "base")
    assert _tables(empty_engine) == set()
    upgrade(empty_engine)
    assert _tables(empty_engine) == set(metadata.tables)
