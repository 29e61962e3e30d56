"""What a citizen sees of the access log about them, their flags on entries they do not
recognise, and the privacy officer's list of open flags."""

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from loket.cases.model import Agency, Office
from loket.exchange.log import append_entry, entry_body
from loket.exchange.model import AccessLogEntry, AccessLogFlag
from loket.people.service import get_citizen

COMMENT_LIMIT = 2000


class TransparencyError(ValueError):
    """A citizen's request about the log that cannot be carried out; the message names the
    parameter."""


class UnknownEntry(TransparencyError):
    def __init__(self, seq: int) -> None:
        super().__init__(f"seq: no entry {seq} about you")


@dataclass(frozen=True)
class CitizenLogLine:
    """One consultation as the citizen sees it: which service, never which civil servant."""

    seq: int
    recorded_at: datetime
    agency: str
    agency_name: str
    office: str | None
    office_name: str | None
    category: str
    purpose: str
    legal_basis: str | None
    authorisation: int | None
    outcome: str

    def as_json(self) -> dict[str, Any]:
        return {
            "seq": self.seq,
            "recorded_at": self.recorded_at.isoformat(),
            "agency": {"code": self.agency, "name": self.agency_name},
            "office": {"id": self.office, "name": self.office_name} if self.office else None,
            "category": self.category,
            "purpose": self.purpose,
            "legal_basis": self.legal_basis,
            "authorisation": self.authorisation,
            "outcome": self.outcome,
        }


def _visible_entries(session: Session, insz: str, today: date) -> list[AccessLogEntry]:
    return list(
        session.scalars(
            select(AccessLogEntry)
            .where(
                AccessLogEntry.citizen_insz == insz,
                AccessLogEntry.kind == "consultation",
                AccessLogEntry.visible_from <= today,
            )
            .order_by(AccessLogEntry.seq)
        )
    )


def citizen_access_log(
    session: Session, insz: str, today: date, language: str = "en", *, log_view: bool = True
) -> list[CitizenLogLine]:
    """The consultations of the citizen's data that the citizen may see today.

    An entry under embargo stays hidden until its `visible_from` day. Reading the log is itself
    logged (a "self-view" entry), in the caller's transaction. With `log_view=False` the caller
    promises to call `record_self_view` in the same transaction instead (a page does so after
    rendering, so that the log's write lock is held only for the append).
    """
    citizen = get_citizen(session, insz)
    entries = _visible_entries(session, citizen.insz, today)
    agencies = {a.code: a for a in session.scalars(select(Agency))}
    office_ids = {entry_body(e).get("office") for e in entries} - {None}
    offices = {
        o.id: o.name for o in session.scalars(select(Office).where(Office.id.in_(office_ids)))
    }
    lines = []
    for entry in entries:
        body = entry_body(entry)
        agency = agencies.get(str(body.get("agency")))
        office = body.get("office")
        lines.append(
            CitizenLogLine(
                seq=entry.seq,
                recorded_at=entry.recorded_at,
                agency=str(body.get("agency")),
                agency_name=getattr(agency, f"name_{language}", "") if agency else "",
                office=office,
                office_name=offices.get(office) if office else None,
                category=str(body.get("category")),
                purpose=str(body.get("purpose")),
                legal_basis=body.get("legal_basis"),
                authorisation=body.get("authorisation"),
                outcome=entry.outcome,
            )
        )
    if log_view:
        record_self_view(session, citizen.insz, today)
    return lines


def record_self_view(session: Session, insz: str, today: date) -> None:
    """Log that the citizen read their own access log."""
    append_entry(
        session,
        {
            "kind": "self-view",
            "citizen": insz,
            "outcome": "granted",
            "visible_from": today.isoformat(),
        },
    )


def flag_entry(
    session: Session, insz: str, seq: int, comment: str, today: date | None = None
) -> AccessLogFlag:
    """Ask the privacy officer to look into a consultation the citizen does not recognise.

    Only the citizen's own consultations that they can already see may be flagged; flagging an
    entry that has an open flag returns that flag.
    """
    citizen = get_citizen(session, insz)
    day = today or date.today()
    text = (comment or "").strip()
    if len(text) > COMMENT_LIMIT:
        raise TransparencyError(f"comment: is longer than {COMMENT_LIMIT} characters")
    entry = session.get(AccessLogEntry, seq)
    if (
        entry is None
        or entry.citizen_insz != citizen.insz
        or entry.kind != "consultation"
        or entry.visible_from > day
    ):
        raise UnknownEntry(seq)
    existing = session.scalar(
        select(AccessLogFlag).where(AccessLogFlag.entry_seq == seq, AccessLogFlag.status == "open")
    )
    if existing is not None:
        return existing
    flag = AccessLogFlag(entry_seq=seq, citizen_insz=citizen.insz, comment=text, status="open")
    session.add(flag)
    session.flush()
    return flag


@dataclass(frozen=True)
class FlagLine:
    """An open flag with the whole log entry, as the privacy officer needs it to investigate."""

    id: int
    seq: int
    citizen: str
    comment: str
    created_at: datetime
    entry: dict[str, Any]

    def as_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "seq": self.seq,
            "citizen": self.citizen,
            "comment": self.comment,
            "created_at": self.created_at.isoformat(),
            "entry": self.entry,
        }


def open_flags(session: Session) -> list[FlagLine]:
    rows = session.execute(
        select(AccessLogFlag, AccessLogEntry)
        .join(AccessLogEntry, AccessLogEntry.seq == AccessLogFlag.entry_seq)
        .where(AccessLogFlag.status == "open")
        .order_by(AccessLogFlag.id)
    )
    return [
        FlagLine(flag.id, flag.entry_seq, flag.citizen_insz, flag.comment, flag.created_at,
                 entry_body(entry))
        for flag, entry in rows
    ]  # fmt: skip
