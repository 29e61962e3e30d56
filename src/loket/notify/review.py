"""What staff see of the outbox: messages still waiting and dead letters, with the reason,
for the offices they work at; and putting a dead letter back in line.

Rule: a clerk, manager or admin of an office sees the messages to that office and the
messages to citizens about that office (the office a dossier moved to, the office of an
appointment). Staff of no particular office (national admins) see every office's messages.
"""

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, Table, false, or_, select, true, update
from sqlalchemy.orm import Session

from loket.store.outbox import OutboxMessage

outbox: Table = OutboxMessage.__table__  # type: ignore[assignment]
# The payload fields that name the office a citizen's message is about.
ABOUT_OFFICE = ("office_id", "to_office", "office")


class UnknownMessage(LookupError):
    def __init__(self, message_id: int) -> None:
        super().__init__(f"outbox message {message_id} does not exist or is not a dead letter")
        self.message_id = message_id


@dataclass(frozen=True)
class OutboxEntry:
    id: int
    topic: str
    recipient_kind: str
    recipient_id: str
    created_at: datetime
    channel: str | None
    attempts: int
    next_attempt_at: datetime | None
    last_error: str | None
    dead_at: datetime | None
    dead_reason: str | None
    payload: dict[str, Any]


def concerning(office_ids: list[str] | None) -> ColumnElement[bool]:
    """Messages for, or about, the given offices; None means every office."""
    if office_ids is None:
        return true()
    if not office_ids:
        return false()
    return or_(
        (outbox.c.recipient_kind == "office") & outbox.c.recipient_id.in_(office_ids),
        *(outbox.c.payload[key].as_string().in_(office_ids) for key in ABOUT_OFFICE),
    )


def _entries(session: Session, condition: ColumnElement[bool], limit: int) -> list[OutboxEntry]:
    rows = session.execute(
        select(outbox).where(condition).order_by(outbox.c.id.desc()).limit(limit)
    ).all()
    return [
        OutboxEntry(
            r.id,
            r.topic,
            r.recipient_kind,
            r.recipient_id,
            r.created_at,
            r.channel,
            r.attempts,
            r.next_attempt_at,
            r.last_error,
            r.dead_at,
            r.dead_reason,
            r.payload,
        )
        for r in rows
    ]


def dead_letters(
    session: Session, office_ids: list[str] | None = None, limit: int = 200
) -> list[OutboxEntry]:
    """Messages the sender gave up on, newest first."""
    return _entries(session, outbox.c.dead_at.is_not(None) & concerning(office_ids), limit)


def waiting(
    session: Session, office_ids: list[str] | None = None, limit: int = 200
) -> list[OutboxEntry]:
    """Messages not delivered yet and not given up on, newest first."""
    condition = outbox.c.sent_at.is_(None) & outbox.c.dead_at.is_(None)
    return _entries(session, condition & concerning(office_ids), limit)


def retry(session: Session, message_id: int, office_ids: list[str] | None = None) -> None:
    """Put a dead letter back in line: its channel is chosen again (an address may have been
    added since) and its attempts start from zero."""
    result = session.execute(
        update(outbox)
        .where(outbox.c.id == message_id, outbox.c.dead_at.is_not(None), concerning(office_ids))
        .values(
            dead_at=None,
            dead_reason=None,
            channel=None,
            attempts=0,
            next_attempt_at=None,
            claimed_by=None,
            claimed_until=None,
        )
    )
    if getattr(result, "rowcount", 0) != 1:
        raise UnknownMessage(message_id)
