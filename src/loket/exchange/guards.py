"""Database triggers that make the access log append-only, on SQLite and PostgreSQL.

They stop an application bug or a careless query from rewriting history; a database
administrator can still drop them, which is what the hash chain and signed checkpoints are for.
"""

from sqlalchemy import Connection, text

MESSAGE = "access_log is append-only"

SQLITE_CREATE = [
    f"CREATE TRIGGER IF NOT EXISTS access_log_no_update BEFORE UPDATE ON access_log "
    f"BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END",
    f"CREATE TRIGGER IF NOT EXISTS access_log_no_delete BEFORE DELETE ON access_log "
    f"BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END",
]
SQLITE_DROP = [
    "DROP TRIGGER IF EXISTS access_log_no_update",
    "DROP TRIGGER IF EXISTS access_log_no_delete",
]
POSTGRES_CREATE = [
    "CREATE OR REPLACE FUNCTION access_log_append_only() RETURNS trigger AS $$ "
    f"BEGIN RAISE EXCEPTION '{MESSAGE}'; END; $$ LANGUAGE plpgsql",
    "DROP TRIGGER IF EXISTS access_log_no_change ON access_log",
    "CREATE TRIGGER access_log_no_change BEFORE UPDATE OR DELETE ON access_log "
    "FOR EACH ROW EXECUTE FUNCTION access_log_append_only()",
]
POSTGRES_DROP = [
    "DROP TRIGGER IF EXISTS access_log_no_change ON access_log",
    "DROP FUNCTION IF EXISTS access_log_append_only()",
]


def install_guards(connection: Connection) -> None:
    statements = POSTGRES_CREATE if connection.dialect.name == "postgresql" else SQLITE_CREATE
    for statement in statements:
        connection.execute(text(statement))


def remove_guards(connection: Connection) -> None:
    statements = POSTGRES_DROP if connection.dialect.name == "postgresql" else SQLITE_DROP
    for statement in statements:
        connection.execute(text(statement))
