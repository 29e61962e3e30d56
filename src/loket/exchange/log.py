"""The access log: every consultation, granted or denied, as canonical JSON chained by SHA-256.

Each entry commits to the previous one: entry_hash = SHA-256(prev_hash as hex || body). An entry
is appended in the caller's transaction, so a release and its log line commit together or not at
all (fail closed). Appenders serialise on the single head row, so the chain never forks, also
with many writers on PostgreSQL.
"""

import hashlib
import json
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Table, bindparam, insert, update
from sqlalchemy.orm import Session

from loket.exchange.columns import as_row, searchable_columns
from loket.exchange.model import AccessLogEntry, AccessLogHead

GENESIS_HASH = "0" * 64

_HEAD: Table = AccessLogHead.__table__  # type: ignore[assignment]
_ENTRIES: Table = AccessLogEntry.__table__  # type: ignore[assignment]
# Core statements, built once: the log is on the path of every consultation.
_LOCK_AND_READ_HEAD = (
    update(_HEAD)
    .where(_HEAD.c.id == 1)
    .values(seq=_HEAD.c.seq)
    .returning(_HEAD.c.seq, _HEAD.c.entry_hash)
)
_MOVE_HEAD = (
    update(_HEAD)
    .where(_HEAD.c.id == 1)
    .values(seq=bindparam("new_seq"), entry_hash=bindparam("new_hash"))
)
_INSERT_ENTRY = insert(_ENTRIES)


def canonical_json(body: dict[str, Any]) -> str:
    """Sorted keys, no insignificant whitespace, UTF-8 text: the same body always gives the
    same bytes."""
    return json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str)


def chain_hash(prev_hash: str, body: str) -> str:
    return hashlib.sha256(prev_hash.encode("ascii") + body.encode("utf-8")).hexdigest()


def append_entry(
    session: Session, body: dict[str, Any], recorded_at: datetime | None = None
) -> AccessLogEntry:
    """Append one entry after the current head (written, not committed) and return a copy of it.

    `body` needs at least `kind` and `outcome`; these, `citizen`, `agency`, `actor`,
    `visible_from` (an ISO date) and the time recorded are copied to searchable columns
    (`loket.exchange.columns`), which `audit verify` compares with the body.
    """
    # Take the write lock and read the head in one statement (a no-op update): SQLite then
    # serialises writers, PostgreSQL locks the head row, and nobody reads a head that another
    # writer is about to move.
    connection = session.connection()
    head = connection.execute(_LOCK_AND_READ_HEAD).one()
    when = recorded_at or datetime.now(UTC)
    if when.tzinfo is not None:  # the column holds UTC without a zone, and so must the body
        when = when.astimezone(UTC).replace(tzinfo=None)
    full = {**body, "seq": head.seq + 1, "recorded_at": when.isoformat(timespec="microseconds")}
    text = canonical_json(full)
    digest = chain_hash(head.entry_hash, text)
    values = {
        "seq": head.seq + 1,
        "body": text,
        "prev_hash": head.entry_hash,
        "entry_hash": digest,
        **as_row(searchable_columns(full)),
    }
    connection.execute(_INSERT_ENTRY, values)
    connection.execute(_MOVE_HEAD, {"new_seq": head.seq + 1, "new_hash": digest})
    return AccessLogEntry(**values)


def entry_body(entry: AccessLogEntry) -> dict[str, Any]:
    parsed: dict[str, Any] = json.loads(entry.body)
    return parsed
