"""Moves dated in the future wait in `scheduled_move` for their day; this module holds the
rule by which a later-recorded move replaces one that still waits, and the locks that keep two
writers from applying or replacing the same waiting move.

Rule (supersession): a waiting move is superseded by a move for the same citizen that was
recorded later (a later import, or a change over the API) and takes effect as the citizen's
address on or before the waiting move's date: the later report is the newer word on where the
citizen lives from that day on. A later-recorded move dated after the waiting one leaves it
waiting (both take effect, each on its day), and so does a move filed into the history (dated
before the current address), which corrects the past and says nothing about the future. Moves
recorded together (one file) never supersede each other: they take effect in date order, exactly
as if the file had arrived after all their dates.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import bindparam, func, select, update
from sqlalchemy.orm import Session

from loket.cases.transfers import chunks
from loket.people.model import Address, Citizen, ScheduledMove, ScheduleStatus

_WAITING = ScheduleStatus.WAITING.value


@dataclass(frozen=True, slots=True)
class Recorded:
    """A move just recorded for a known citizen, as far as supersession needs it."""

    citizen_id: int
    effective_date: date
    event_id: str


@dataclass(frozen=True, slots=True)
class Supersession:
    """Waiting move `replaced` (due on `was_due`) gave way to the later-recorded move `by`."""

    replaced: str
    was_due: date
    by: str


def now_utc() -> datetime:
    """The time stored in settled_at: UTC without a zone, like the other timestamps."""
    return datetime.now(UTC).replace(tzinfo=None)


def take_write_lock(session: Session) -> None:
    """Make the caller's transaction the only writer of waiting moves until it ends.

    A no-op update of no row: SQLite then takes its database write lock before the caller reads
    which moves wait, so what it read is still true when it writes. On PostgreSQL the caller
    locks the rows it reads (FOR UPDATE), and this statement costs one index probe."""
    session.execute(
        update(ScheduledMove).where(ScheduledMove.id == 0).values(status=ScheduledMove.status)
    )


def scheduled_event_ids(session: Session, event_ids: Sequence[str]) -> set[str]:
    """The event ids among `event_ids` that were recorded as moves dated in the future."""
    found: set[str] = set()
    for part in chunks(list(event_ids)):
        found.update(
            session.scalars(select(ScheduledMove.event_id).where(ScheduledMove.event_id.in_(part)))
        )
    return found


def _current_since(session: Session, citizen_ids: list[int]) -> dict[int, date]:
    found: dict[int, date] = {}
    for part in chunks(citizen_ids):
        rows = session.execute(
            select(Address.citizen_id, Address.valid_from).where(
                Address.citizen_id.in_(part), Address.valid_to.is_(None)
            )
        )
        found.update((citizen_id, since) for citizen_id, since in rows)
    return found


def supersede_waiting(
    session: Session, recorded: Sequence[Recorded], run: str
) -> list[Supersession]:
    """Mark superseded every waiting move that one of `recorded` replaces (see the rule above);
    moves recorded in the same `run` are left alone. Call before applying `recorded`."""
    citizen_ids = sorted({r.citizen_id for r in recorded})
    candidates: list[tuple[int, int, date]] = []
    for part in chunks(citizen_ids):
        rows = session.execute(
            select(ScheduledMove.id, ScheduledMove.citizen_id, ScheduledMove.effective_date).where(
                ScheduledMove.citizen_id.in_(part),
                ScheduledMove.status == _WAITING,
                ScheduledMove.recorded_in != run,
            )
        )
        candidates.extend((row_id, citizen_id, due) for row_id, citizen_id, due in rows)
    if not candidates:  # the usual case: nothing waits for these citizens
        return []
    since = _current_since(session, sorted({c[1] for c in candidates}))
    earliest: dict[int, Recorded] = {}
    for move in sorted(recorded, key=lambda r: r.effective_date):
        start = since.get(move.citizen_id)
        if start is not None and move.effective_date < start:
            continue  # filed into history: it corrects the past only
        earliest.setdefault(move.citizen_id, move)
    doomed = sorted(
        (due, row_id)
        for row_id, citizen_id, due in candidates
        if citizen_id in earliest and due >= earliest[citizen_id].effective_date
    )
    # Lock in due order, the order apply-due locks in, so the two never wait on each other in a
    # circle; a row applied meanwhile is no longer waiting and drops out here.
    locked: list[tuple[int, str, int, date]] = []
    for part in chunks([row_id for _, row_id in doomed]):
        lockable = session.execute(
            select(
                ScheduledMove.id,
                ScheduledMove.event_id,
                ScheduledMove.citizen_id,
                ScheduledMove.effective_date,
            )
            .where(ScheduledMove.id.in_(part), ScheduledMove.status == _WAITING)
            .order_by(ScheduledMove.effective_date, ScheduledMove.id)
            .with_for_update()
        )
        locked.extend((row_id, event, cid, due) for row_id, event, cid, due in lockable)
    if not locked:
        return []
    settled = now_utc()
    session.connection().execute(
        update(ScheduledMove.__table__)  # type: ignore[arg-type]
        .where(ScheduledMove.__table__.c.id == bindparam("row_id"))
        .values(
            status=ScheduleStatus.SUPERSEDED.value,
            settled_at=settled,
            superseded_by=bindparam("by"),
        ),
        [{"row_id": row_id, "by": earliest[cid].event_id} for row_id, _, cid, _ in locked],
    )
    return [Supersession(event, due, earliest[cid].event_id) for _, event, cid, due in locked]


def lock_due(session: Session, on: date, limit: int) -> list[tuple[ScheduledMove, str]]:
    """Up to `limit` waiting moves due on or before `on`, with the citizen's INSZ, in the order
    they take effect, locked until the caller's transaction ends. A second caller waits for the
    first and then no longer finds the moves the first applied."""
    take_write_lock(session)
    rows = session.execute(
        select(ScheduledMove, Citizen.insz)
        .join(Citizen, Citizen.id == ScheduledMove.citizen_id)
        .where(ScheduledMove.status == _WAITING, ScheduledMove.effective_date <= on)
        .order_by(ScheduledMove.effective_date, ScheduledMove.id)
        .limit(limit)
        .with_for_update(of=ScheduledMove)
    )
    return [(row[0], row[1]) for row in rows]


def mark_applied(session: Session, row_ids: Sequence[int]) -> None:
    settled = now_utc()
    table: Any = ScheduledMove.__table__
    for part in chunks(list(row_ids)):
        session.execute(
            update(table)
            .where(table.c.id.in_(part))
            .values(status=ScheduleStatus.APPLIED.value, settled_at=settled)
        )


def waiting_moves(session: Session, citizen_id: int) -> list[ScheduledMove]:
    """The citizen's moves that wait for their day, soonest first: what staff see coming."""
    return list(
        session.scalars(
            select(ScheduledMove)
            .where(ScheduledMove.citizen_id == citizen_id, ScheduledMove.status == _WAITING)
            .order_by(ScheduledMove.effective_date, ScheduledMove.id)
        )
    )


def count_waiting(session: Session, after: date | None = None) -> int:
    """How many moves wait, all of them or only those dated after `after`."""
    query = select(func.count()).select_from(ScheduledMove).where(ScheduledMove.status == _WAITING)
    if after is not None:
        query = query.where(ScheduledMove.effective_date > after)
    return session.scalar(query) or 0
