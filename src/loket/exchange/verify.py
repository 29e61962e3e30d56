"""Verification of the whole access log in one streaming pass: the hash chain, the head row and
every signed checkpoint, naming the first entry that does not verify.

The log verifies when, for every entry in order of seq: no seq is missing; its previous hash is
the hash of the entry before it; its hash recomputes from that previous hash and its body; its
body names its own seq (so entries cannot swap places); and every column that pages search
(time, kind, citizen, agency, actor, outcome, visible from) says what its body says. The head
row must name the last entry. Every checkpoint must carry a valid signature of this system's key
over a Merkle root and head hash that the entries it covers still give, and no checkpoint may
cover more entries than exist.
"""

import hashlib
import json
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from loket.exchange.checkpoints import (
    AuditError,
    key_id,
    make_checkpoint,
    signature_valid,
    statement_of,
)
from loket.exchange.columns import (
    SEARCHABLE_COLUMNS,
    BodyFieldError,
    first_difference,
    searchable_columns,
)
from loket.exchange.log import GENESIS_HASH
from loket.exchange.merkle import MerkleAccumulator
from loket.exchange.model import AccessLogEntry, AccessLogHead, AuditCheckpoint

CHUNK = 10_000

Progress = Callable[[int], None]


@dataclass(frozen=True)
class VerifyResult:
    ok: bool
    entries: int
    head_hash: str
    first_bad_seq: int | None
    problem: str
    root_hash: str = ""
    checkpoints: int = 0

    def as_json(self) -> dict[str, object]:
        data: dict[str, object] = {
            "ok": self.ok,
            "entries": self.entries,
            "head_hash": self.head_hash,
        }
        if not self.ok:
            data["first_bad_seq"] = self.first_bad_seq
            data["problem"] = self.problem
        else:
            data["root_hash"] = self.root_hash
            data["checkpoints"] = self.checkpoints
        return data


@dataclass
class _Position:
    """How far the scan got: entries verified, the last entry hash, the size of the last
    checkpoint that matched."""

    entries: int = 0
    last: str = GENESIS_HASH
    verified_size: int = 0


class _Broken(Exception):
    def __init__(self, seq: int | None, problem: str) -> None:
        super().__init__(problem)
        self.seq = seq
        self.problem = problem


def _checkpoint_problem(
    checkpoint: AuditCheckpoint, public_key: Ed25519PublicKey | None
) -> str | None:
    """Why the checkpoint's signature cannot be trusted, or None."""
    label = f"checkpoint {checkpoint.id} (over {checkpoint.tree_size} entries)"
    if public_key is None:
        return f"{label}: no public key to check its signature"
    if checkpoint.key_id != key_id(public_key) or not signature_valid(
        public_key, statement_of(checkpoint), checkpoint.signature
    ):
        return f"{label}: signature does not verify with this system's key {key_id(public_key)}"
    return None


def verify_log(
    session: Session,
    public_key: Ed25519PublicKey | None,
    progress: Progress | None = None,
) -> VerifyResult:
    """Check the access log and its checkpoints; the result names the first problem found."""
    head = session.execute(
        select(AccessLogHead.seq, AccessLogHead.entry_hash).where(AccessLogHead.id == 1)
    ).one_or_none()
    if head is None:
        return VerifyResult(False, 0, GENESIS_HASH, 1, "the head row of the access log is missing")
    checkpoints = sorted(
        session.scalars(select(AuditCheckpoint)), key=lambda c: (c.tree_size, c.id)
    )
    pending = deque(checkpoints)
    accumulator = MerkleAccumulator()
    state = _Position()

    def check_checkpoints(size: int, last_hash: str) -> None:
        root_hex = ""
        while pending and pending[0].tree_size <= size:
            checkpoint = pending.popleft()
            problem = _checkpoint_problem(checkpoint, public_key)
            if problem:
                raise _Broken(None, problem)
            if checkpoint.tree_size < 0:
                raise _Broken(None, f"checkpoint {checkpoint.id}: negative tree size")
            low = state.verified_size + 1
            if checkpoint.head_entry_hash != last_hash:
                raise _Broken(
                    low,
                    f"entry {low}: entries {low} to {size} were rewritten after checkpoint "
                    f"{checkpoint.id} signed them (the signed head hash differs from entry {size})",
                )
            root_hex = root_hex or accumulator.root().hex()
            if checkpoint.root_hash != root_hex:
                raise _Broken(
                    low,
                    f"entry {low}: entries {low} to {size} do not give the Merkle root "
                    f"that checkpoint {checkpoint.id} signed",
                )
            state.verified_size = size

    try:
        check_checkpoints(0, GENESIS_HASH)
        _scan_entries(session, head.seq, accumulator, state, pending, check_checkpoints, progress)
        entries, last = state.entries, state.last
        if entries < head.seq:
            raise _Broken(
                entries + 1,
                f"entry {entries + 1}: missing (the head row names entry {head.seq}, "
                f"the log ends at entry {entries})",
            )
        if head.entry_hash != last:
            raise _Broken(entries, f"entry {entries}: its hash differs from the head row's")
        _check_beyond_head(session, head.seq)
        if pending:
            checkpoint = pending[0]
            problem = _checkpoint_problem(checkpoint, public_key)
            if problem:
                raise _Broken(None, problem)
            raise _Broken(
                entries + 1,
                f"entry {entries + 1}: missing, though checkpoint {checkpoint.id} covers "
                f"{checkpoint.tree_size} entries (the log was cut after entry {entries})",
            )
    except _Broken as broken:
        return VerifyResult(False, state.entries, state.last, broken.seq, broken.problem)
    return VerifyResult(
        True,
        state.entries,
        state.last,
        None,
        "",
        root_hash=accumulator.root().hex(),
        checkpoints=len(checkpoints),
    )


def _scan_entries(
    session: Session,
    head_seq: int,
    accumulator: MerkleAccumulator,
    state: _Position,
    pending: deque[AuditCheckpoint],
    check_checkpoints: Callable[[int, str], None],
    progress: Progress | None,
) -> None:
    """The chain checks, entry by entry; kept in one tight loop because it runs a million
    times on a large log."""
    table = AccessLogEntry.__table__
    rows = session.connection().execute(
        select(
            table.c.seq,
            table.c.body,
            table.c.prev_hash,
            table.c.entry_hash,
            *(table.c[name] for name in SEARCHABLE_COLUMNS),
        )
        .where(table.c.seq <= head_seq)
        .order_by(table.c.seq)
        .execution_options(yield_per=CHUNK)
    )
    sha256 = hashlib.sha256
    loads = json.loads
    columns_of = searchable_columns
    append = accumulator.append
    expected = 1
    last = GENESIS_HASH
    next_size = pending[0].tree_size if pending else -1
    try:
        for seq, body, prev_hash, entry_hash, *stored in rows:
            if seq != expected:
                raise _Broken(
                    expected,
                    f"entry {expected}: missing (the log goes from entry {expected - 1} "
                    f"to entry {seq})",
                )
            if prev_hash != last:
                raise _Broken(seq, f"entry {seq}: does not follow entry {seq - 1} (broken link)")
            if sha256(prev_hash.encode("ascii") + body.encode("utf-8")).hexdigest() != entry_hash:
                raise _Broken(seq, f"entry {seq}: hash does not match its contents")
            try:
                parsed = loads(body)
            except ValueError:
                parsed = None
            claimed = parsed.get("seq") if isinstance(parsed, dict) else None
            if claimed != seq:
                raise _Broken(seq, f"entry {seq}: its contents say it is entry {claimed}")
            try:
                expected_columns = columns_of(parsed)
            except BodyFieldError as error:
                raise _Broken(seq, f"entry {seq}: {error}") from None
            if tuple(stored) != expected_columns:
                difference = first_difference(tuple(stored), expected_columns)
                raise _Broken(seq, f"entry {seq}: {difference}")
            append(entry_hash.encode("ascii"))
            last = entry_hash
            expected += 1
            if seq == next_size:
                state.entries, state.last = seq, last
                check_checkpoints(seq, last)
                next_size = pending[0].tree_size if pending else -1
            if progress is not None and seq % CHUNK == 0:
                progress(seq)
    finally:
        state.entries, state.last = expected - 1, last
        rows.close()
    if progress is not None:
        progress(expected - 1)


def _check_beyond_head(session: Session, head_seq: int) -> None:
    """Entries after the one the head names are hidden from appenders: refuse them. An entry
    appended meanwhile moved the head in the same transaction, so re-reading it tells apart."""
    beyond = session.scalar(
        select(func.min(AccessLogEntry.seq)).where(AccessLogEntry.seq > head_seq)
    )
    if beyond is None:
        return
    current = session.scalar(select(AccessLogHead.seq).where(AccessLogHead.id == 1))
    if current is None or current < beyond:
        raise _Broken(beyond, f"entry {beyond}: lies beyond the head row (entry {head_seq})")


def checkpoint_verified_log(session: Session, key: Ed25519PrivateKey) -> AuditCheckpoint:
    """Sign a checkpoint over the log as it stands, only after the whole log verifies: a
    signature must never vouch for entries that were already tampered with."""
    result = verify_log(session, key.public_key())
    if not result.ok:
        raise AuditError(
            f"the access log does not verify, no checkpoint was made: {result.problem}"
        )
    return make_checkpoint(session, key)
