"""A PostgreSQL database made afresh for one benchmark run and dropped after it, next to the
server's own database, so that a benchmark never touches the test database."""

from sqlalchemy import make_url, text

from loket.store.engine import make_engine


def _admin(server: str, statement: str) -> None:
    admin = make_engine(server)
    with admin.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        for part in statement.split(";"):
            connection.execute(text(part))
    admin.dispose()


def throwaway(server: str, database: str) -> str:
    """Create `database` afresh next to `server`'s; returns its URL."""
    _admin(
        server, f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE);CREATE DATABASE "{database}"'
    )
    return make_url(server).set(database=database).render_as_string(hide_password=False)


def drop(server: str, database: str) -> None:
    _admin(server, f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')
