"""`loket import moves`: apply a file of address changes in batches, one transaction each.

A killed import started again on the same file ends in the same state as an uninterrupted run:
each batch commits its moves together with their event ids, and already applied (or already
waiting) event ids are skipped on the second run. A move dated after the day of the import
waits for its day (`loket.people.due_moves`); moves already waiting whose day has come are
applied before the file, so a late daily run changes no outcome.
"""

import re
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from datetime import date
from pathlib import Path
from uuid import uuid4

from sqlalchemy.orm import Session, sessionmaker

from loket.cases.routing import Router
from loket.people import due_moves
from loket.people.countries import is_country_code
from loket.people.due_moves import apply_due, record_moves
from loket.people.identifiers import InvalidInsz, validate_insz
from loket.people.moves import Move
from loket.people.scheduled import Supersession
from loket.people.service import ADDRESS_LIMITS, NewAddress
from loket.store.csvio import RejectsWriter, read_rows

COLUMNS = [
    "event_id",
    "insz",
    "effective_date",
    "street",
    "house_number",
    "box",
    "postcode",
    "country",
]
BELGIAN_POSTCODE = re.compile(r"^[1-9][0-9]{3}$")
COUNTRY = re.compile(r"^[A-Z]{2}$")
ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


class RowError(ValueError):
    def __init__(self, field_name: str, message: str) -> None:
        super().__init__(f"{field_name}: {message}")
        self.field = field_name


@dataclass
class ImportSummary:
    rows: int = 0
    applied: int = 0
    filed_in_history: int = 0
    dossiers_transferred: int = 0
    duplicates_skipped: int = 0
    queued_for_routing: int = 0
    # Dated after the day of the import: recorded, waiting for `loket moves apply-due`.
    scheduled: int = 0
    # Waiting moves of earlier imports that a move of this file replaced.
    superseded: int = 0
    # Waiting moves of earlier imports whose day had come, applied before this file.
    due_applied: int = 0
    rejected: int = 0
    rejects_file: str | None = None
    warnings: list[str] = field(default_factory=list)

    def as_json(self) -> dict[str, object]:
        return asdict(self)


def parse_move(line: int, row: dict[str, str]) -> Move:
    """A Move from one CSV row, or RowError naming the field."""
    event_id = row.get("event_id", "")
    if not event_id:
        raise RowError("event_id", "is empty")
    if len(event_id) > 64:
        raise RowError("event_id", "is longer than 64 characters")
    try:
        insz, _ = validate_insz(row.get("insz", ""))
    except InvalidInsz as error:
        raise RowError("insz", f"{row.get('insz')!r} is not a valid INSZ or BIS number") from error
    raw_date = row.get("effective_date", "")
    try:
        if not ISO_DATE.fullmatch(raw_date):
            raise ValueError
        effective = date.fromisoformat(raw_date)
    except ValueError:
        raise RowError("effective_date", f"{raw_date!r} is not a date as YYYY-MM-DD") from None
    country = (row.get("country") or "BE").upper()
    if not COUNTRY.match(country):
        raise RowError("country", f"{row.get('country')!r} is not a two-letter country code")
    if not is_country_code(country):
        raise RowError("country", f"{row.get('country')!r} is not an ISO 3166 country code")
    postcode = row.get("postcode", "")
    if country == "BE" and not BELGIAN_POSTCODE.match(postcode):
        raise RowError("postcode", f"{postcode!r} is not a Belgian postal code (four digits)")
    street = row.get("street", "")
    if not street:
        raise RowError("street", "is empty")
    for name, limit in ADDRESS_LIMITS.items():
        if len(row.get(name) or "") > limit:
            raise RowError(name, f"is longer than {limit} characters")
    return Move(
        event_id=event_id,
        insz=insz,
        effective_date=effective,
        address=NewAddress(
            street=street,
            house_number=row.get("house_number", ""),
            box=row.get("box") or None,
            postcode=postcode,
            country=country,
        ),
        source="import",
        line=line,
    )


def import_moves(
    sessions: sessionmaker[Session],
    path: Path,
    batch_size: int = 5000,
    progress: Callable[[int, int], None] | None = None,
    on: date | None = None,
) -> ImportSummary:
    """Apply every good row of `path` dated up to `on` (default today) and record the later
    ones to wait for their day; write bad rows to the rejects file, and summarise."""
    day = on or due_moves.today()
    run = uuid4().hex
    summary = ImportSummary()
    moves: list[Move] = []
    first_line: dict[str, int] = {}
    with RejectsWriter(path, COLUMNS) as rejects:
        for line, row in read_rows(path, [c for c in COLUMNS if c not in ("box", "country")]):
            summary.rows += 1
            try:
                move = parse_move(line, row)
            except RowError as error:
                rejects.write(line, str(error), row)
                continue
            if move.event_id in first_line:
                rejects.write(
                    line, f"event_id: {move.event_id} already appears on line "
                    f"{first_line[move.event_id]}", row,
                )  # fmt: skip
                continue
            first_line[move.event_id] = line
            moves.append(move)
        # A citizen's moves take effect in date order, whatever the order of the file; moves of
        # the same day keep the order of the file.
        moves.sort(key=lambda m: (m.effective_date, m.line or 0))
        due = apply_due(sessions, day, batch_size)
        summary.due_applied = due.moves
        with sessions() as session:
            router = Router.load(session)
        done = 0
        for start in range(0, len(moves), batch_size):
            batch = moves[start : start + batch_size]
            with sessions.begin() as session:
                outcomes, replaced = record_moves(session, batch, router, day, run)
            summary.superseded += len(replaced)
            _note_supersessions(summary, batch, replaced)
            for outcome in outcomes:
                if outcome.status == "applied":
                    summary.applied += 1
                elif outcome.status == "history":
                    summary.filed_in_history += 1
                elif outcome.status == "scheduled":
                    summary.scheduled += 1
                elif outcome.status == "duplicate":
                    summary.duplicates_skipped += 1
                else:
                    rejects.write(
                        outcome.line or 0, outcome.reason, _row_of(batch, outcome.event_id)
                    )
                summary.dossiers_transferred += len(outcome.transfers)
                summary.queued_for_routing += len(outcome.queued)
                for queued in outcome.queued:
                    if len(summary.warnings) < 100:
                        summary.warnings.append(
                            f"line {outcome.line}: dossier {queued.reference} stays at "
                            f"{queued.office} and waits for routing: {queued.detail}"
                        )
            done += len(batch)
            if progress:
                progress(done, len(moves))
        summary.rejected = rejects.count
        summary.rejects_file = str(rejects.path) if rejects.count else None
    return summary


def _note_supersessions(
    summary: ImportSummary, batch: list[Move], replaced: list[Supersession]
) -> None:
    lines = {move.event_id: move.line for move in batch}
    for supersession in replaced:
        if len(summary.warnings) < 100:
            summary.warnings.append(
                f"line {lines.get(supersession.by)}: replaces move {supersession.replaced}, "
                f"which waited for {supersession.was_due.isoformat()}"
            )


def _row_of(batch: list[Move], event_id: str) -> dict[str, str]:
    for move in batch:
        if move.event_id == event_id:
            return {
                "event_id": move.event_id,
                "insz": move.insz,
                "effective_date": move.effective_date.isoformat(),
                "street": move.address.street,
                "house_number": move.address.house_number,
                "box": move.address.box or "",
                "postcode": move.address.postcode,
                "country": move.address.country,
            }
    return {}
