"""An attacker with database access lifts the append-only guards and rewrites history; `verify_log`
and `loket audit verify` must both notice and name the first entry that does not verify."""

import base64
from collections.abc import Callable
from datetime import datetime
from pathlib import Path

import pytest
from click.testing import Result
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from sqlalchemy import Connection, Engine, text
from sqlalchemy.orm import Session, sessionmaker
from typer.testing import CliRunner

from loket.cli.main import app
from loket.exchange.checkpoints import checkpoint_statement, key_id, load_or_create_key
from loket.exchange.guards import install_guards, remove_guards
from loket.exchange.log import append_entry, chain_hash
from loket.exchange.verify import VerifyResult, checkpoint_verified_log, verify_log
from loket.settings import get_settings

ENTRIES = 30
CHECKPOINT_AT = 20


@pytest.fixture
def key_file(tmp_path: Path) -> Path:
    return tmp_path / "audit-key.pem"


@pytest.fixture
def key(key_file: Path) -> Ed25519PrivateKey:
    return load_or_create_key(key_file)


@pytest.fixture
def log(sessions: sessionmaker[Session], key: Ed25519PrivateKey) -> None:
    """30 entries, with checkpoints after entry 10 and entry 20."""
    for size in (10, CHECKPOINT_AT, ENTRIES):
        with sessions.begin() as session:
            while session.scalar(text("SELECT seq FROM access_log_head")) < size:
                append_entry(session, {"kind": "consultation", "outcome": "granted", "actor": "a"})
            if size < ENTRIES:
                checkpoint_verified_log(session, key)


def tamper(engine: Engine, change: Callable[[Connection], object]) -> None:
    """What an attacker with database access does: lift the guards, change, put them back."""
    with engine.begin() as connection:
        remove_guards(connection)
        change(connection)
        install_guards(connection)


def sql(connection: Connection, statement: str, **values: object) -> None:
    connection.execute(text(statement), values)


def row(connection: Connection, seq: int) -> dict[str, str]:
    found = connection.execute(
        text("SELECT body, prev_hash, entry_hash FROM access_log WHERE seq = :seq"), {"seq": seq}
    ).one()
    return dict(found._mapping)


def verify(sessions: sessionmaker[Session], key: Ed25519PrivateKey) -> VerifyResult:
    with sessions() as session:
        return verify_log(session, key.public_key())


def cli_verify(database_url: str, key_file: Path) -> Result:
    get_settings.cache_clear()
    try:
        env = {"LOKET_DATABASE_URL": database_url, "LOKET_AUDIT_KEY_FILE": str(key_file)}
        return CliRunner().invoke(app, ["audit", "verify"], env=env)
    finally:
        get_settings.cache_clear()


def assert_detected(
    sessions: sessionmaker[Session],
    key: Ed25519PrivateKey,
    database_url: str,
    key_file: Path,
    first_bad: int | None,
    message: str,
) -> None:
    result = verify(sessions, key)
    assert not result.ok
    assert result.first_bad_seq == first_bad
    assert message in result.problem
    cli = cli_verify(database_url, key_file)
    assert cli.exit_code == 1, cli.output
    assert message in " ".join(cli.stderr.split())


def test_untampered_log_verifies(
    log: None, sessions: sessionmaker[Session], key: Ed25519PrivateKey, database_url: str
) -> None:
    result = verify(sessions, key)
    assert (result.ok, result.entries, result.checkpoints) == (True, ENTRIES, 2)


def test_one_changed_byte_in_a_body(
    log: None,
    sessions: sessionmaker[Session],
    engine: Engine,
    key: Ed25519PrivateKey,
    database_url: str,
    key_file: Path,
) -> None:
    def change(connection: Connection) -> None:
        body = row(connection, 7)["body"].replace('"outcome":"granted"', '"outcome":"grantee"')
        sql(connection, "UPDATE access_log SET body = :body WHERE seq = 7", body=body)

    tamper(engine, change)
    assert_detected(
        sessions, key, database_url, key_file, 7, "entry 7: hash does not match its contents"
    )


def test_deleted_entry(
    log: None,
    sessions: sessionmaker[Session],
    engine: Engine,
    key: Ed25519PrivateKey,
    database_url: str,
    key_file: Path,
) -> None:
    tamper(engine, lambda c: sql(c, "DELETE FROM access_log WHERE seq = 12"))
    assert_detected(sessions, key, database_url, key_file, 12, "entry 12: missing")


def test_swapped_entries(
    log: None,
    sessions: sessionmaker[Session],
    engine: Engine,
    key: Ed25519PrivateKey,
    database_url: str,
    key_file: Path,
) -> None:
    def swap(connection: Connection) -> None:
        five, six = row(connection, 5), row(connection, 6)
        # entry_hash is unique: park one row's hash while the other moves.
        sql(connection, "UPDATE access_log SET entry_hash = 'x' WHERE seq = 5")
        for seq, values in ((6, five), (5, six)):
            sql(
                connection,
                "UPDATE access_log SET body = :body, prev_hash = :prev_hash, "
                "entry_hash = :entry_hash WHERE seq = :seq",
                seq=seq,
                **values,
            )

    tamper(engine, swap)
    assert_detected(sessions, key, database_url, key_file, 5, "entry 5:")


def test_swapped_bodies_only(
    log: None,
    sessions: sessionmaker[Session],
    engine: Engine,
    key: Ed25519PrivateKey,
    database_url: str,
    key_file: Path,
) -> None:
    def swap(connection: Connection) -> None:
        five, six = row(connection, 5), row(connection, 6)
        sql(connection, "UPDATE access_log SET body = :b WHERE seq = 5", b=six["body"])
        sql(connection, "UPDATE access_log SET body = :b WHERE seq = 6", b=five["body"])

    tamper(engine, swap)
    assert_detected(
        sessions, key, database_url, key_file, 5, "entry 5: hash does not match its contents"
    )


def test_rewritten_history_with_recomputed_chain_is_caught_by_the_checkpoint(
    log: None,
    sessions: sessionmaker[Session],
    engine: Engine,
    key: Ed25519PrivateKey,
    database_url: str,
    key_file: Path,
) -> None:
    """An attacker who knows the chain rule rewrites entry 15 (body and actor column) and
    recomputes every later hash and the head: the chain and the columns are consistent again,
    but the signed checkpoint over 20 is not."""

    def rewrite(connection: Connection) -> None:
        previous = row(connection, 14)["entry_hash"]
        for seq in range(15, ENTRIES + 1):
            body = row(connection, seq)["body"]
            if seq == 15:
                body = body.replace('"actor":"a"', '"actor":"b"')
            new_hash = chain_hash(previous, body)
            sql(
                connection,
                "UPDATE access_log SET body = :body, prev_hash = :prev, entry_hash = :hash, "
                "actor = CASE WHEN seq = 15 THEN 'b' ELSE actor END WHERE seq = :seq",
                body=body,
                prev=previous,
                hash=new_hash,
                seq=seq,
            )
            previous = new_hash
        sql(connection, "UPDATE access_log_head SET entry_hash = :hash", hash=previous)

    tamper(engine, rewrite)
    # Checkpoint 1 (over 10) still holds, so the rewrite lies in entries 11 to 20.
    assert_detected(sessions, key, database_url, key_file, 11, "entry 11: entries 11 to 20")


@pytest.mark.parametrize("reset_head", [True, False])
def test_tail_cut_after_a_checkpoint(
    log: None,
    sessions: sessionmaker[Session],
    engine: Engine,
    key: Ed25519PrivateKey,
    database_url: str,
    key_file: Path,
    reset_head: bool,
) -> None:
    """Entries 16 to 30 are deleted although the checkpoint over 20 covers 16 to 20."""

    def cut(connection: Connection) -> None:
        last = row(connection, 15)["entry_hash"]
        sql(connection, "DELETE FROM access_log WHERE seq > 15")
        if reset_head:
            sql(connection, "UPDATE access_log_head SET seq = 15, entry_hash = :h", h=last)

    tamper(engine, cut)
    assert_detected(sessions, key, database_url, key_file, 16, "entry 16: missing")


def test_entry_hidden_beyond_the_head(
    log: None,
    sessions: sessionmaker[Session],
    engine: Engine,
    key: Ed25519PrivateKey,
    database_url: str,
    key_file: Path,
) -> None:
    def hide(connection: Connection) -> None:
        last = row(connection, 25)["entry_hash"]
        sql(connection, "UPDATE access_log_head SET seq = 25, entry_hash = :h", h=last)

    tamper(engine, hide)
    assert_detected(sessions, key, database_url, key_file, 26, "entry 26: lies beyond the head")


def forged_signature(key: Ed25519PrivateKey, tree_size: int, root: str, head: str) -> str:
    statement = checkpoint_statement(tree_size, root, head, datetime(2026, 1, 1))
    return base64.b64encode(key.sign(statement.encode())).decode()


@pytest.mark.parametrize("claim_our_key_id", [False, True])
def test_checkpoint_signed_with_another_key(
    log: None,
    sessions: sessionmaker[Session],
    engine: Engine,
    key: Ed25519PrivateKey,
    database_url: str,
    key_file: Path,
    claim_our_key_id: bool,
) -> None:
    other = Ed25519PrivateKey.generate()

    def forge(connection: Connection) -> None:
        real = connection.execute(
            text("SELECT root_hash, head_entry_hash FROM audit_checkpoint WHERE tree_size = 20")
        ).one()
        signer = key if claim_our_key_id else other
        sql(
            connection,
            "INSERT INTO audit_checkpoint (tree_size, root_hash, head_entry_hash, created_at, "
            "key_id, signature) VALUES (20, :root, :head, :at, :kid, :sig)",
            root=real.root_hash,
            head=real.head_entry_hash,
            at=datetime(2026, 1, 1),
            kid=key_id(signer.public_key()),
            sig=forged_signature(other, 20, real.root_hash, real.head_entry_hash),
        )

    tamper(engine, forge)
    assert_detected(sessions, key, database_url, key_file, None, "signature does not verify")


def test_checkpoint_with_a_changed_root(
    log: None,
    sessions: sessionmaker[Session],
    engine: Engine,
    key: Ed25519PrivateKey,
    database_url: str,
    key_file: Path,
) -> None:
    change = "UPDATE audit_checkpoint SET root_hash = :r WHERE tree_size = 10"
    tamper(engine, lambda c: sql(c, change, r="ab" * 32))
    assert_detected(
        sessions, key, database_url, key_file, None, "over 10 entries): signature does not verify"
    )


def test_no_checkpoint_is_signed_over_a_tampered_log(
    log: None, sessions: sessionmaker[Session], engine: Engine, key: Ed25519PrivateKey
) -> None:
    tamper(engine, lambda c: sql(c, "DELETE FROM access_log WHERE seq = 3"))
    with sessions.begin() as session, pytest.raises(Exception, match="entry 3: missing"):
        checkpoint_verified_log(session, key)


def test_key_other_than_the_systems_key_rejects_all_checkpoints(
    log: None, sessions: sessionmaker[Session]
) -> None:
    stranger = Ed25519PrivateKey.generate()
    result = verify(sessions, stranger)
    assert not result.ok
    assert (
        "checkpoint" in result.problem and f"key {key_id(stranger.public_key())}" in result.problem
    )
