"""The access log's Merkle tree, signed checkpoints, their publication and `loket audit`, on an
untampered log (tampering is in test_audit_tampering.py)."""

import hashlib
import json
import stat
from collections.abc import Sequence
from pathlib import Path

import pytest
from click.testing import Result
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import Engine, text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session, sessionmaker
from typer.testing import CliRunner

from loket.cli.main import app
from loket.exchange.checkpoints import (
    AuditError,
    export_checkpoint,
    key_id,
    load_or_create_key,
    make_checkpoint,
    prove_entry,
    public_key_pem,
    verify_exported,
)
from loket.exchange.log import GENESIS_HASH, append_entry
from loket.exchange.merkle import (
    EMPTY_ROOT,
    MerkleAccumulator,
    inclusion_proof,
    leaf_data,
    root,
    verify_inclusion,
)
from loket.exchange.verify import checkpoint_verified_log, verify_log
from loket.settings import get_settings

# --- RFC 9162 hashing, against the definition written out recursively --------------------------


def reference_root(leaves: Sequence[bytes]) -> bytes:
    """MTH of RFC 9162 §2.1.1, word for word."""
    if not leaves:
        return hashlib.sha256(b"").digest()
    if len(leaves) == 1:
        return hashlib.sha256(b"\x00" + leaves[0]).digest()
    k = 1
    while k * 2 < len(leaves):
        k *= 2
    return hashlib.sha256(
        b"\x01" + reference_root(leaves[:k]) + reference_root(leaves[k:])
    ).digest()


leaf_lists = st.lists(st.binary(max_size=8), min_size=1, max_size=70)


def test_empty_tree_root_is_hash_of_nothing() -> None:
    assert root([]) == EMPTY_ROOT == hashlib.sha256(b"").digest()


def test_leaf_is_the_entry_hash_as_ascii() -> None:
    assert leaf_data("ab" * 32) == b"ab" * 32


@given(leaf_lists)
def test_root_follows_rfc_9162(leaves: list[bytes]) -> None:
    assert root(leaves) == reference_root(leaves)


@given(leaf_lists)
def test_accumulator_gives_the_root_at_every_size(leaves: list[bytes]) -> None:
    accumulator = MerkleAccumulator()
    for size, leaf in enumerate(leaves, start=1):
        accumulator.append(leaf)
        assert accumulator.size == size
        assert accumulator.root() == reference_root(leaves[:size])


@given(leaf_lists)
def test_every_proof_verifies_for_every_index(leaves: list[bytes]) -> None:
    tree_root = root(leaves)
    for index, leaf in enumerate(leaves):
        proof = inclusion_proof(index, leaves)
        assert verify_inclusion(leaf, index, len(leaves), proof, tree_root)


@given(st.lists(st.binary(max_size=8), min_size=1, max_size=70, unique=True), st.data())
def test_changed_leaf_or_wrong_index_fails(leaves: list[bytes], data: st.DataObject) -> None:
    # Distinct leaves: in a tree of equal leaves every position genuinely has the same proof.
    # The tree size is not checked here: the signed checkpoint vouches for it, not the proof.
    n = len(leaves)
    index = data.draw(st.integers(0, n - 1))
    proof = inclusion_proof(index, leaves)
    tree_root = root(leaves)
    assert not verify_inclusion(leaves[index] + b"x", index, n, proof, tree_root)
    other = data.draw(st.integers(-1, n).filter(lambda i: i != index))
    assert not verify_inclusion(leaves[index], other, n, proof, tree_root)
    if proof:
        flipped = bytes([proof[0][0] ^ 1]) + proof[0][1:]
        assert not verify_inclusion(leaves[index], index, n, [flipped, *proof[1:]], tree_root)
        assert not verify_inclusion(leaves[index], index, n, proof[:-1], tree_root)


def test_proof_for_a_leaf_outside_the_tree_is_refused() -> None:
    with pytest.raises(ValueError, match="not in a tree of 3"):
        inclusion_proof(3, [b"a", b"b", b"c"])


# --- helpers for the database tests ------------------------------------------------------------


def append_many(sessions: sessionmaker[Session], count: int) -> None:
    with sessions.begin() as session:
        for number in range(count):
            append_entry(
                session,
                {
                    "kind": "consultation",
                    "outcome": "granted" if number % 3 else "denied",
                    "actor": f"worker-{number % 4}",
                    "agency": "ocmw",
                    "citizen": "90041220777",
                    "category": "income-tax",
                    "purpose": "leefloon-eligibility",
                    "reason": "Zoë's dossier",
                },
            )


def checkpoint(sessions: sessionmaker[Session], key: Ed25519PrivateKey) -> int:
    with sessions.begin() as session:
        return checkpoint_verified_log(session, key).id


@pytest.fixture
def key() -> Ed25519PrivateKey:
    return Ed25519PrivateKey.generate()


def audit_cli(database_url: str, key_file: Path, *args: str) -> Result:
    get_settings.cache_clear()
    try:
        env = {"LOKET_DATABASE_URL": database_url, "LOKET_AUDIT_KEY_FILE": str(key_file)}
        return CliRunner().invoke(app, ["audit", *args], env=env)
    finally:
        get_settings.cache_clear()


# --- verification of an untampered log ---------------------------------------------------------


def test_empty_log_verifies(sessions: sessionmaker[Session], key: Ed25519PrivateKey) -> None:
    with sessions() as session:
        result = verify_log(session, key.public_key())
    assert (result.ok, result.entries, result.head_hash) == (True, 0, GENESIS_HASH)


def test_untampered_log_with_checkpoints_verifies(
    sessions: sessionmaker[Session], key: Ed25519PrivateKey
) -> None:
    checkpoint(sessions, key)  # over the empty log
    for _ in range(3):
        append_many(sessions, 7)
        checkpoint(sessions, key)
    append_many(sessions, 2)
    with sessions() as session:
        result = verify_log(session, key.public_key())
        hashes = session.scalars(text("SELECT entry_hash FROM access_log ORDER BY seq"))
        leaves = [leaf_data(h) for h in hashes]
    assert result.ok, result.problem
    assert (result.entries, result.checkpoints, result.first_bad_seq) == (23, 4, None)
    assert result.root_hash == root(leaves).hex()


def test_checkpoint_signs_root_and_head(
    sessions: sessionmaker[Session], key: Ed25519PrivateKey
) -> None:
    append_many(sessions, 5)
    with sessions.begin() as session:
        made = make_checkpoint(session, key)
        hashes = list(session.scalars(text("SELECT entry_hash FROM access_log ORDER BY seq")).all())
    assert made.tree_size == 5
    assert made.head_entry_hash == hashes[-1]
    assert made.root_hash == root([leaf_data(h) for h in hashes]).hex()
    assert made.key_id == key_id(key.public_key())
    assert len(made.key_id) == 16


def test_every_entry_is_proven_in_the_latest_checkpoint(
    sessions: sessionmaker[Session], key: Ed25519PrivateKey
) -> None:
    append_many(sessions, 13)
    checkpoint(sessions, key)
    append_many(sessions, 2)  # not covered
    with sessions() as session:
        proofs = [prove_entry(session, seq) for seq in range(1, 14)]
        with pytest.raises(AuditError, match="entry 14 is not covered"):
            prove_entry(session, 14)
    assert all(p.verified and p.tree_size == 13 for p in proofs)
    first = proofs[0]
    assert verify_inclusion(
        leaf_data(first.entry_hash),
        0,
        13,
        [bytes.fromhex(node) for node in first.proof],
        bytes.fromhex(first.root_hash),
    )


# --- publication -------------------------------------------------------------------------------


def exported(sessions: sessionmaker[Session], key: Ed25519PrivateKey) -> dict[str, object]:
    append_many(sessions, 4)
    with sessions.begin() as session:
        return export_checkpoint(checkpoint_verified_log(session, key), key.public_key())


def test_exported_checkpoint_verifies_with_the_public_key(
    sessions: sessionmaker[Session], key: Ed25519PrivateKey
) -> None:
    data = json.loads(json.dumps(exported(sessions, key)))  # as published
    assert verify_exported(data, public_key_pem(key.public_key()))
    assert data["statement"].startswith("loket-checkpoint\n4\n")
    other = Ed25519PrivateKey.generate().public_key()
    assert not verify_exported(data, public_key_pem(other))


@pytest.mark.parametrize(
    "field", ["statement", "root_hash", "head_entry_hash", "created_at", "signature", "key_id"]
)
def test_exported_checkpoint_fails_after_changing_one_character(
    sessions: sessionmaker[Session], key: Ed25519PrivateKey, field: str
) -> None:
    data = exported(sessions, key)
    value = str(data[field])
    position = len(value) // 2
    changed = value[:position] + ("1" if value[position] != "1" else "2") + value[position + 1 :]
    assert not verify_exported({**data, field: changed}, public_key_pem(key.public_key()))
    assert not verify_exported({**data, "tree_size": 5}, public_key_pem(key.public_key()))


# --- the signing key ---------------------------------------------------------------------------


def test_key_file_is_created_private_and_then_reused(tmp_path: Path) -> None:
    path = tmp_path / "keys" / "audit-key.pem"
    first = load_or_create_key(path)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    second = load_or_create_key(path)
    assert key_id(first.public_key()) == key_id(second.public_key())


# --- the guards --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "statement",
    ["UPDATE access_log SET outcome = 'denied' WHERE seq = 1", "DELETE FROM access_log"],
)
def test_database_refuses_update_and_delete(
    sessions: sessionmaker[Session], engine: Engine, statement: str
) -> None:
    append_many(sessions, 2)
    with pytest.raises(DBAPIError, match="append-only"), engine.begin() as connection:
        connection.execute(text(statement))
    with engine.connect() as connection:
        assert connection.execute(text("SELECT count(*) FROM access_log")).scalar() == 2


# --- the command line --------------------------------------------------------------------------


def test_cli_verify_checkpoint_export_and_prove(
    sessions: sessionmaker[Session], database_url: str, tmp_path: Path
) -> None:
    key_file = tmp_path / "audit-key.pem"
    append_many(sessions, 6)

    made = audit_cli(database_url, key_file, "checkpoint", "--json")
    assert made.exit_code == 0, made.output
    assert json.loads(made.stdout)["tree_size"] == 6
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600

    checked = audit_cli(database_url, key_file, "verify")
    assert checked.exit_code == 0, checked.output
    with sessions() as session:
        head = session.scalar(text("SELECT entry_hash FROM access_log_head"))
    assert checked.stdout.strip() == f"ok 6 entries, head {head}"

    as_json = audit_cli(database_url, key_file, "verify", "--json")
    assert as_json.exit_code == 0
    data = json.loads(as_json.stdout)
    assert (data["ok"], data["entries"], data["head_hash"]) == (True, 6, head)

    out = tmp_path / "checkpoint.json"
    written = audit_cli(database_url, key_file, "export", "--out", str(out))
    assert written.exit_code == 0, written.output
    published = json.loads(out.read_text(encoding="utf-8"))
    assert verify_exported(published, public_key_pem(load_or_create_key(key_file).public_key()))
    proof = audit_cli(database_url, key_file, "prove", "3", "--json")
    assert proof.exit_code == 0, proof.output
    assert json.loads(proof.stdout)["verified"] is True
    assert json.loads(proof.stdout)["root_hash"] == published["root_hash"]


def test_cli_prove_without_checkpoint_fails(database_url: str, tmp_path: Path) -> None:
    result = audit_cli(database_url, tmp_path / "k.pem", "prove", "1")
    assert result.exit_code == 2
    assert "no checkpoint" in result.stderr
