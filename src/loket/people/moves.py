"""Address changes: the one operation that keeps a citizen's address history and their dossiers
in step, for a single move over HTTP or a million from a file.

Rules: an event id is applied once; replaying it changes nothing. A citizen's moves take effect
in effective-date order: a move dated before the current address is filed into the history and
moves no open dossier, because dossiers follow the *current* address; only a dossier that waits
for routing is placed at the office of the latest routable address since it was opened, exactly
as if the moves had arrived in date order. A file's moves dated after the day of the import wait
for their day (`loket.people.due_moves`), which then applies them through `apply_moves` too.
"""

from dataclasses import dataclass, field
from datetime import date
from typing import Any, Literal
from uuid import uuid4

from sqlalchemy import insert, select, update
from sqlalchemy.orm import Session

from loket.cases.routing import Router
from loket.cases.transfers import Queued, Residence, ResidenceFollower, Transfer, chunks
from loket.people.identifiers import validate_insz
from loket.people.model import Address, AddressChange, Citizen
from loket.people.scheduled import Recorded, scheduled_event_ids, supersede_waiting
from loket.people.service import NewAddress, UnknownCitizen


@dataclass(frozen=True, slots=True)
class Move:
    event_id: str
    insz: str
    effective_date: date
    address: NewAddress
    source: str = "register"
    line: int | None = None  # line in the input file, for messages


@dataclass(slots=True)
class MoveOutcome:
    event_id: str
    status: Literal["applied", "history", "scheduled", "duplicate", "rejected"]
    transfers: list[Transfer] = field(default_factory=list)
    queued: list[Queued] = field(default_factory=list)
    reason: str = ""
    line: int | None = None


@dataclass(slots=True)
class _Current:
    address_id: int | None  # None while the address is only pending in this batch
    pending: dict[str, Any] | None
    valid_from: date


def existing_event_ids(session: Session, event_ids: list[str]) -> set[str]:
    """The event ids of `event_ids` that an applied address change already carries."""
    found: set[str] = set()
    for part in chunks(event_ids):
        found.update(
            session.scalars(select(AddressChange.event_id).where(AddressChange.event_id.in_(part)))
        )
    return found


def citizen_ids(session: Session, inszs: list[str]) -> dict[str, int]:
    """Citizen id by INSZ for the registered numbers among `inszs`."""
    found: dict[str, int] = {}
    for part in chunks(inszs):
        rows = session.execute(select(Citizen.insz, Citizen.id).where(Citizen.insz.in_(part)))
        found.update(rows.all())
    return found


def _current_addresses(session: Session, citizen_ids: list[int]) -> dict[int, _Current]:
    found: dict[int, _Current] = {}
    for part in chunks(citizen_ids):
        rows = session.execute(
            select(Address.citizen_id, Address.id, Address.valid_from).where(
                Address.citizen_id.in_(part), Address.valid_to.is_(None)
            )
        )
        for citizen_id, address_id, valid_from in rows:
            found[citizen_id] = _Current(address_id, None, valid_from)
    return found


def _address_row(citizen_id: int, move: Move, valid_to: date | None) -> dict[str, Any]:
    return {
        "citizen_id": citizen_id,
        "street": move.address.street,
        "house_number": move.address.house_number,
        "box": move.address.box,
        "postcode": move.address.postcode,
        "country": move.address.country,
        "valid_from": move.effective_date,
        "valid_to": valid_to,
        "source": move.source,
        "event_id": move.event_id,
    }


def _file_into_history(session: Session, citizen_id: int, move: Move) -> None:
    """Insert a move dated before the current address into the address history."""
    covering = session.scalar(
        select(Address)
        .where(
            Address.citizen_id == citizen_id,
            Address.valid_from <= move.effective_date,
            Address.valid_to > move.effective_date,
        )
        .order_by(Address.valid_from.desc())
        .limit(1)
    )
    if covering is not None:
        ends = covering.valid_to
        covering.valid_to = move.effective_date
    else:
        ends = session.scalar(
            select(Address.valid_from)
            .where(Address.citizen_id == citizen_id)
            .order_by(Address.valid_from)
            .limit(1)
        )
    session.add(Address(**_address_row(citizen_id, move, ends)))
    session.flush()


def apply_moves(session: Session, moves: list[Move], router: Router) -> list[MoveOutcome]:
    """Apply `moves` in the order given (callers sort by effective date) inside the caller's
    transaction, and say per move what happened."""
    outcomes: list[MoveOutcome] = []
    known_events = existing_event_ids(session, [m.event_id for m in moves])
    citizens = citizen_ids(session, sorted({m.insz for m in moves}))
    current = _current_addresses(session, list(citizens.values()))
    follower = ResidenceFollower(session, router, list(citizens.values()))

    seen: set[str] = set()
    new_addresses: list[dict[str, Any]] = []
    closed: list[dict[str, Any]] = []
    changes: list[dict[str, Any]] = []
    late: list[tuple[int, Move]] = []
    for move in moves:
        if move.event_id in known_events or move.event_id in seen:
            outcomes.append(MoveOutcome(move.event_id, "duplicate", line=move.line))
            continue
        citizen_id = citizens.get(move.insz)
        if citizen_id is None:
            reason = str(UnknownCitizen(move.insz))
            outcomes.append(MoveOutcome(move.event_id, "rejected", reason=reason, line=move.line))
            continue
        seen.add(move.event_id)
        now = current.get(citizen_id)
        if now is not None and move.effective_date < now.valid_from:
            late.append((citizen_id, move))
            outcomes.append(MoveOutcome(move.event_id, "history", line=move.line))
            changes.append(_change_row(move, citizen_id, "history", 0, 0))
            continue
        if now is not None:
            if now.pending is not None:
                now.pending["valid_to"] = move.effective_date
            elif now.address_id is not None:
                closed.append({"id": now.address_id, "valid_to": move.effective_date})
        row = _address_row(citizen_id, move, None)
        new_addresses.append(row)
        current[citizen_id] = _Current(None, row, move.effective_date)
        transfers, queued = follower.follow(
            Residence(
                citizen_id,
                move.insz,
                move.event_id,
                move.effective_date,
                move.address.postcode,
                move.address.country,
            )
        )
        outcomes.append(MoveOutcome(move.event_id, "applied", transfers, queued, line=move.line))
        changes.append(_change_row(move, citizen_id, "current", len(transfers), len(queued)))

    if closed:
        session.execute(update(Address), closed)
    # render_nulls: a None (no box) must not split the rows into one INSERT per key set.
    if new_addresses:
        session.execute(insert(Address).execution_options(render_nulls=True), new_addresses)
    follower.write()
    for citizen_id, move in late:
        _file_into_history(session, citizen_id, move)
    if late:
        _place_waiting_dossiers(session, router, late, outcomes)
        moved = {o.event_id: len(o.transfers) for o in outcomes if o.status == "history"}
        for row in changes:
            if row["applied_as"] == "history":
                row["dossiers_transferred"] = moved[row["event_id"]]
    if changes:
        session.execute(insert(AddressChange).execution_options(render_nulls=True), changes)
    session.flush()
    return outcomes


def _place_waiting_dossiers(
    session: Session, router: Router, late: list[tuple[int, Move]], outcomes: list[MoveOutcome]
) -> None:
    """A late move may be the last address an office was competent for: a dossier waiting for
    routing then waits there, as if the moves had arrived in date order."""
    newest: dict[int, Move] = {}
    for citizen_id, move in sorted(late, key=lambda cm: cm[1].effective_date):
        newest[citizen_id] = move
    follower = ResidenceFollower(session, router, list(newest))
    by_event = {outcome.event_id: outcome for outcome in outcomes}
    for citizen_id, move in newest.items():
        earlier = session.scalars(
            select(Address).where(Address.citizen_id == citizen_id, Address.valid_to.is_not(None))
        )
        history = [
            Residence(citizen_id, move.insz, a.event_id or "", a.valid_from, a.postcode, a.country)
            for a in earlier
        ]
        by_event[move.event_id].transfers.extend(follower.place_waiting(citizen_id, history))
    follower.write()


def _change_row(
    move: Move, citizen_id: int, applied_as: str, transferred: int, queued: int
) -> dict[str, Any]:
    return {
        "event_id": move.event_id,
        "citizen_id": citizen_id,
        "effective_date": move.effective_date,
        "source": move.source,
        "applied_as": applied_as,
        "dossiers_transferred": transferred,
        "dossiers_queued": queued,
    }


def change_address(
    session: Session,
    event_id: str,
    insz: str,
    address: NewAddress,
    effective_date: date,
    source: str,
    router: Router | None = None,
) -> MoveOutcome:
    """Apply one address change in the caller's transaction; UnknownCitizen if nobody has `insz`.

    Replaying an `event_id` (also one that waits for its day) returns a "duplicate" outcome and
    changes nothing. A move that becomes the current address supersedes the citizen's waiting
    moves dated on or after it (`loket.people.scheduled`).
    """
    number, _ = validate_insz(insz)
    move = Move(event_id, number, effective_date, address, source)
    if scheduled_event_ids(session, [event_id]):
        return MoveOutcome(event_id, "duplicate")
    citizen_id = session.scalar(select(Citizen.id).where(Citizen.insz == number))
    if citizen_id is None:
        raise UnknownCitizen(number)
    if not existing_event_ids(session, [event_id]):
        supersede_waiting(session, [Recorded(citizen_id, effective_date, event_id)], uuid4().hex)
    (outcome,) = apply_moves(session, [move], router or Router.load(session))
    if outcome.status == "rejected":
        raise UnknownCitizen(number)
    return outcome
