"""A move dated after today waits for its day: recorded by `loket import moves`, applied by
`loket moves apply-due` (daily, and at the start of `loket serve`) exactly as an immediate move.

On its day a waiting move goes through `apply_moves`, the one code path of every address change:
address history, dossier transfers with their history lines and outbox notifications, in one
transaction per batch together with marking the moves applied. Applying is idempotent: a move
is applied once, and two runs at the same time lock the moves they apply, so the second finds
nothing left. Which waiting move a later one replaces is the rule in `loket.people.scheduled`.
"""

from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from datetime import date
from typing import Any

from sqlalchemy import insert
from sqlalchemy.orm import Session, sessionmaker

from loket.cases.routing import Router
from loket.people.model import ScheduledMove, ScheduleStatus
from loket.people.moves import Move, MoveOutcome, apply_moves, citizen_ids, existing_event_ids
from loket.people.scheduled import (
    Recorded,
    Supersession,
    count_waiting,
    lock_due,
    mark_applied,
    scheduled_event_ids,
    supersede_waiting,
    take_write_lock,
)
from loket.people.service import NewAddress, UnknownCitizen

BATCH_SIZE = 5000


def today() -> date:
    """The day moves are applied for: the server's local calendar day."""
    return date.today()


def _scheduled_row(citizen_id: int, move: Move, run: str) -> dict[str, Any]:
    return {
        "event_id": move.event_id,
        "citizen_id": citizen_id,
        "effective_date": move.effective_date,
        "street": move.address.street,
        "house_number": move.address.house_number,
        "box": move.address.box,
        "postcode": move.address.postcode,
        "country": move.address.country,
        "source": move.source,
        "recorded_in": run,
        "status": ScheduleStatus.WAITING.value,
    }


def record_moves(
    session: Session, moves: list[Move], router: Router, on: date, run: str
) -> tuple[list[MoveOutcome], list[Supersession]]:
    """Record `moves` (in the order they take effect) in the caller's transaction: those dated
    after `on` wait, the others are applied now. `run` names the import they belong to.

    Returns one outcome per move, in the order given, and the waiting moves of earlier runs
    that these moves superseded."""
    take_write_lock(session)
    event_ids = [m.event_id for m in moves]
    known = scheduled_event_ids(session, event_ids)
    future_ids = [m.event_id for m in moves if m.effective_date > on]
    known |= existing_event_ids(session, future_ids)
    citizens = citizen_ids(session, sorted({m.insz for m in moves}))

    outcomes: dict[str, MoveOutcome] = {}
    accepted: list[tuple[int, Move]] = []
    for move in moves:
        if move.event_id in known or move.event_id in outcomes:
            outcomes.setdefault(
                move.event_id, MoveOutcome(move.event_id, "duplicate", line=move.line)
            )
            continue
        citizen_id = citizens.get(move.insz)
        if citizen_id is None:
            reason = str(UnknownCitizen(move.insz))
            outcomes[move.event_id] = MoveOutcome(
                move.event_id, "rejected", reason=reason, line=move.line
            )
            continue
        accepted.append((citizen_id, move))
        outcomes[move.event_id] = MoveOutcome(move.event_id, "scheduled", line=move.line)

    replaced = supersede_waiting(
        session, [Recorded(cid, m.effective_date, m.event_id) for cid, m in accepted], run
    )
    waiting = [_scheduled_row(cid, m, run) for cid, m in accepted if m.effective_date > on]
    if waiting:
        # render_nulls: a None (no box) must not split the rows into one INSERT per key set.
        session.execute(insert(ScheduledMove).execution_options(render_nulls=True), waiting)
    immediate = [m for _, m in accepted if m.effective_date <= on]
    for outcome in apply_moves(session, immediate, router):
        outcomes[outcome.event_id] = outcome
    # A move listed twice keeps the outcome of its first line; later lines are duplicates.
    ordered: list[MoveOutcome] = []
    reported: set[str] = set()
    for move in moves:
        if move.event_id in reported:
            ordered.append(MoveOutcome(move.event_id, "duplicate", line=move.line))
        else:
            reported.add(move.event_id)
            ordered.append(outcomes[move.event_id])
    return ordered, replaced


@dataclass
class DueSummary:
    """What `loket moves apply-due` did, printed as its JSON answer."""

    on: str
    applied: int = 0
    filed_in_history: int = 0
    dossiers_transferred: int = 0
    queued_for_routing: int = 0
    still_waiting: int = 0
    warnings: list[str] = field(default_factory=list)

    @property
    def moves(self) -> int:
        return self.applied + self.filed_in_history

    def as_json(self) -> dict[str, object]:
        return asdict(self)


def _move_of(row: ScheduledMove, insz: str) -> Move:
    return Move(
        event_id=row.event_id,
        insz=insz,
        effective_date=row.effective_date,
        address=NewAddress(
            street=row.street,
            house_number=row.house_number,
            box=row.box,
            postcode=row.postcode,
            country=row.country,
        ),
        source=row.source,
    )


def apply_due(
    sessions: sessionmaker[Session],
    on: date,
    batch_size: int = BATCH_SIZE,
    progress: Callable[[int], None] | None = None,
) -> DueSummary:
    """Apply every waiting move dated on or before `on`, a batch per transaction, in the order
    they take effect; running it again applies nothing more."""
    summary = DueSummary(on=on.isoformat())
    with sessions() as session:
        router = Router.load(session)
    while True:
        with sessions.begin() as session:
            due = lock_due(session, on, batch_size)
            if not due:
                break
            outcomes = apply_moves(session, [_move_of(row, insz) for row, insz in due], router)
            # Every locked move is settled: applied now, or (a "duplicate") already in the
            # address history under its event id. None is "rejected": its citizen is a foreign
            # key, so it exists.
            mark_applied(session, [row.id for row, _ in due])
        _tally(summary, outcomes)
        if progress:
            progress(summary.moves)
    with sessions() as session:
        summary.still_waiting = count_waiting(session)
    return summary


def _tally(summary: DueSummary, outcomes: list[MoveOutcome]) -> None:
    for outcome in outcomes:
        if outcome.status == "applied":
            summary.applied += 1
        elif outcome.status == "history":
            summary.filed_in_history += 1
        summary.dossiers_transferred += len(outcome.transfers)
        summary.queued_for_routing += len(outcome.queued)
        for queued in outcome.queued:
            if len(summary.warnings) < 100:
                summary.warnings.append(
                    f"move {outcome.event_id}: dossier {queued.reference} stays at "
                    f"{queued.office} and waits for routing: {queued.detail}"
                )
