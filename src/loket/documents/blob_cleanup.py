"""No blob without a document: bytes written for an upload whose transaction rolls back are
removed again, and `loket documents gc` removes what a crash left behind.

Blobs are content-addressed, so the same bytes may belong to another document, committed or
still being uploaded. A blob is therefore deleted only while holding the store's lock and only
when a fresh query finds no committed document row naming it; an upload that commits checks,
under the same lock, that its blob is still there and writes it again if not.
"""

import logging
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import Connection, Engine, event, select
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session, SessionTransaction

from loket.documents.blobs import BlobStore
from loket.documents.model import Document

# A blob younger than this may belong to an upload whose transaction is still open.
ORPHAN_AGE = timedelta(hours=1)
# Blob names looked up per query by `collect_orphans`.
LOOKUP_BATCH = 500
_PENDING = "loket.documents.new_blobs"

log = logging.getLogger(__name__)


def track_new_blob(session: Session, blobs: BlobStore, sha256: str, data: bytes) -> None:
    """Remember that this session's transaction wrote `data` as `sha256`: removed again if the
    transaction rolls back, written again after commit if someone removed it meanwhile."""
    pending: dict[str, tuple[BlobStore, bytes]] = session.info.setdefault(_PENDING, {})
    pending[sha256] = (blobs, data)


def _engine(session: Session) -> Engine:
    bind = session.get_bind()
    return bind.engine if isinstance(bind, Connection) else bind


def _referenced(engine: Engine, sha256s: list[str]) -> set[str]:
    """Which of `sha256s` a committed document row names, asked on a connection of its own."""
    found: set[str] = set()
    with engine.connect() as connection:
        for start in range(0, len(sha256s), LOOKUP_BATCH):
            batch = sha256s[start : start + LOOKUP_BATCH]
            query = select(Document.sha256).where(Document.sha256.in_(batch)).distinct()
            found.update(connection.scalars(query))
    return found


def _settle(session: Session, committed: bool) -> None:
    pending: dict[str, tuple[BlobStore, bytes]] = session.info.pop(_PENDING, {})
    if not pending:
        return
    try:
        engine = _engine(session)
        for sha256, (blobs, data) in pending.items():
            with blobs.exclusive():
                referenced = bool(_referenced(engine, [sha256]))
                if referenced and committed and not blobs.exists(sha256):
                    blobs.put(data)  # removed by a rollback that ran before this commit
                elif not referenced:
                    # Rolled back, or its row was in a savepoint that was rolled back.
                    blobs.delete(sha256)
    except (OSError, SQLAlchemyError):
        # The upload itself is settled; an orphan left here is removed by `documents gc`.
        log.warning("could not tidy the blobs of a finished upload", exc_info=True)


@event.listens_for(Session, "after_commit")
def _after_commit(session: Session) -> None:
    _settle(session, committed=True)


@event.listens_for(Session, "after_transaction_end")
def _after_transaction_end(session: Session, transaction: SessionTransaction) -> None:
    # The outermost transaction ended without `after_commit` taking its blobs: it was rolled
    # back, or the session was closed (which rolls back) without a commit.
    if transaction.parent is None:
        _settle(session, committed=False)


@dataclass
class GarbageReport:
    """What `collect_orphans` found: blobs no document names, removed unless a dry run."""

    dry_run: bool
    checked: int = 0
    orphans: list[str] = field(default_factory=list)
    young_orphans_kept: int = 0
    bytes_freed: int = 0

    def as_json(self) -> dict[str, Any]:
        return {
            "dry_run": self.dry_run,
            "checked": self.checked,
            "removed" if not self.dry_run else "would_remove": self.orphans,
            "young_orphans_kept": self.young_orphans_kept,
            "bytes_freed": self.bytes_freed,
        }


def _batches(blobs: BlobStore, size: int) -> Iterator[list[tuple[str, datetime]]]:
    batch: list[tuple[str, datetime]] = []
    for item in blobs.stored():
        batch.append(item)
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch


def collect_orphans(
    engine: Engine,
    blobs: BlobStore,
    *,
    dry_run: bool = False,
    older_than: timedelta = ORPHAN_AGE,
    now: datetime | None = None,
) -> GarbageReport:
    """Remove blobs that no document row names and that were written more than `older_than`
    ago (a younger one may belong to an upload not committed yet)."""
    report = GarbageReport(dry_run)
    cutoff = (now or datetime.now(UTC)) - older_than
    for batch in _batches(blobs, LOOKUP_BATCH):
        report.checked += len(batch)
        named = _referenced(engine, [sha256 for sha256, _ in batch])
        old = [sha256 for sha256, written in batch if sha256 not in named and written <= cutoff]
        report.young_orphans_kept += len(batch) - len(named) - len(old)
        if old and not dry_run:
            with blobs.exclusive():
                # Asked again under the lock: an upload may have committed meanwhile.
                still = set(old) - _referenced(engine, old)
                old = [sha256 for sha256 in old if sha256 in still]
                sizes = [blobs.size(sha256) for sha256 in old]
                for sha256 in old:
                    blobs.delete(sha256)
        else:
            sizes = [blobs.size(sha256) for sha256 in old]
        for sha256, size in zip(old, sizes, strict=True):
            if size is not None:
                report.orphans.append(sha256)
                report.bytes_freed += size
    return report
