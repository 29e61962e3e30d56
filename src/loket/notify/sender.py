"""Delivering outbox e-mail: choose each message's channel, claim a batch of due e-mails under
a lease, send them over one SMTP connection, and record each outcome in its own transaction.

Delivery is at least once, and exactly once unless a worker dies between the mail server's
acceptance of a message and the commit that marks it sent: the next worker sends it again,
with the same Message-ID, so that mail clients can tell it is the same message.
"""

import os
import random
import socket
import time
from collections.abc import Callable, Iterable
from contextlib import AbstractContextManager
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime, timedelta
from email.utils import parseaddr
from typing import Any, Protocol

from sqlalchemy import ColumnElement, Table, and_, bindparam, func, or_, select, update
from sqlalchemy.orm import Session, sessionmaker

from loket.notify.channels import Channel, DeadReason, Recipient, choose_channel
from loket.notify.recipients import offices, recipients
from loket.notify.smtp import DeliveryFailure, Email
from loket.notify.texts import render
from loket.store.outbox import OutboxMessage

MAX_ATTEMPTS = 8
FIRST_DELAY = timedelta(minutes=1)
LONGEST_DELAY = timedelta(hours=6)
LEASE = timedelta(minutes=10)
CHUNK = 900

outbox: Table = OutboxMessage.__table__  # type: ignore[assignment]


class Transport(Protocol):
    def send(self, email: Email) -> None: ...


TransportFactory = Callable[[], AbstractContextManager[Transport]]


def utcnow() -> datetime:
    """Naive UTC, as the outbox's timestamps are stored."""
    return datetime.now(UTC).replace(tzinfo=None)


def worker_name() -> str:
    """host:pid:nonce; the host and pid let a restarted worker free the claims of a dead one."""
    return f"{socket.gethostname()[:50]}:{os.getpid()}:{random.randbytes(3).hex()}"


def backoff(attempts: int) -> timedelta:
    """Wait before attempt `attempts + 1`: doubling from a minute up to six hours, with a
    quarter of jitter either way so that messages that failed together do not retry together."""
    delay: timedelta = min(FIRST_DELAY * 2 ** max(attempts - 1, 0), LONGEST_DELAY)
    return delay * random.uniform(0.75, 1.25)


@dataclass
class Summary:
    sent: int = 0
    retried: int = 0
    dead: int = 0
    letters_pending: int = 0
    emails_kept: int = 0
    errors: list[str] = field(default_factory=list)

    def add(self, other: "Summary") -> None:
        self.sent += other.sent
        self.retried += other.retried
        self.dead += other.dead
        self.errors.extend(e for e in other.errors if e not in self.errors)

    def as_json(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class StopFlag:
    """Set by a signal handler: the worker stops after the message it is sending."""

    requested: bool = False


def _pending() -> ColumnElement[bool]:
    return and_(outbox.c.sent_at.is_(None), outbox.c.dead_at.is_(None))


def _free(at: datetime) -> ColumnElement[bool]:
    return or_(outbox.c.claimed_until.is_(None), outbox.c.claimed_until < at)


def _chunks(values: list[int]) -> Iterable[list[int]]:
    for start in range(0, len(values), CHUNK):
        yield values[start : start + CHUNK]


def assign_channels(session: Session, at: datetime, limit: int = 5000) -> tuple[int, int]:
    """Choose the channel of up to `limit` messages that have none yet; a message with no way
    to reach its recipient becomes a dead letter here, with the reason. Returns how many
    messages got a channel and how many of them became dead letters."""
    rows = session.execute(
        select(outbox.c.id, outbox.c.recipient_kind, outbox.c.recipient_id)
        .where(outbox.c.channel.is_(None), _pending())
        .order_by(outbox.c.id)
        .limit(limit)
    ).all()
    if not rows:
        return 0, 0
    known = recipients(session, {(kind, rid) for _, kind, rid in rows})
    groups: dict[tuple[Channel, DeadReason | None], list[int]] = {}
    for row_id, kind, rid in rows:
        groups.setdefault(choose_channel(known.get((kind, rid))), []).append(row_id)
    for (channel, reason), ids in groups.items():
        values: dict[str, Any] = {"channel": channel.value}
        if reason is not None:
            values |= {"dead_at": at, "dead_reason": reason.value}
        for chunk in _chunks(ids):
            session.execute(
                update(outbox)
                .where(outbox.c.id.in_(chunk), outbox.c.channel.is_(None))
                .values(**values)
            )
    return len(rows), sum(len(ids) for (_, reason), ids in groups.items() if reason)


def release_dead_workers(session: Session) -> int:
    """Free the claims of workers on this host whose process is gone (killed, crashed), so
    that their messages need not wait for the lease to run out."""
    host = socket.gethostname()[:50]
    holders = session.scalars(
        select(outbox.c.claimed_by)
        .where(outbox.c.claimed_by.like(f"{host}:%"), _pending())
        .distinct()
    ).all()
    freed = 0
    for holder in holders:
        try:
            os.kill(int(holder.split(":")[1]), 0)
            continue
        except ProcessLookupError:
            pass
        except (PermissionError, ValueError, IndexError):
            continue
        result = session.execute(
            update(outbox)
            .where(outbox.c.claimed_by == holder, _pending())
            .values(claimed_by=None, claimed_until=None)
        )
        freed += int(getattr(result, "rowcount", 0) or 0)
    return freed


def message_id(row_id: int, created_at: datetime | None, domain: str) -> str:
    """A Message-ID from the row: its id and creation time, so that ids stay unique across a
    rebuilt database, and the same for every attempt."""
    stamp = (created_at or utcnow()).strftime("%Y%m%d%H%M%S")
    return f"<outbox.{row_id}.{stamp}@{domain}>"


@dataclass(frozen=True)
class Claimed:
    id: int
    attempts: int
    email: Email | None  # None when the recipient no longer has an e-mail address


def claim(
    session: Session, worker: str, batch: int, at: datetime, sender: str, lease: timedelta = LEASE
) -> list[Claimed]:
    """Take up to `batch` due e-mails for `worker` until `at + lease`, with their texts."""
    query = (
        select(outbox.c.id)
        .where(
            outbox.c.channel == Channel.EMAIL.value,
            _pending(),
            or_(outbox.c.next_attempt_at.is_(None), outbox.c.next_attempt_at <= at),
            _free(at),
        )
        .order_by(outbox.c.id)
        .limit(batch)
    )
    if session.get_bind().dialect.name == "postgresql":
        # Rows another worker is claiming are skipped, not waited for.
        ids = list(session.scalars(query.with_for_update(skip_locked=True)))
        if not ids:
            return []
        chosen = outbox.c.id.in_(ids)
    else:
        # SQLite cannot lock rows but writes one statement at a time: choosing and claiming
        # in the same UPDATE keeps two workers from taking the same message.
        chosen = outbox.c.id.in_(query)
    taken = session.scalars(
        update(outbox)
        .where(chosen, _free(at), _pending())
        .values(claimed_by=worker, claimed_until=at + lease)
        .returning(outbox.c.id)
    ).all()
    if not taken:
        return []
    rows = session.execute(select(outbox).where(outbox.c.id.in_(taken)).order_by(outbox.c.id)).all()
    domain = parseaddr(sender)[1].rpartition("@")[2] or "loket.example"
    new_ids = [
        {"row_id": r.id, "mid": message_id(r.id, r.created_at, domain)}
        for r in rows
        if not r.message_id
    ]
    if new_ids:
        session.execute(
            update(outbox)
            .where(outbox.c.id == bindparam("row_id"))
            .values(message_id=bindparam("mid")),
            new_ids,
        )
    ids_by_row = {m["row_id"]: m["mid"] for m in new_ids}
    known = recipients(session, {(r.recipient_kind, r.recipient_id) for r in rows})
    cards = offices(
        session,
        (v for r in rows for k, v in r.payload.items() if "office" in k and isinstance(v, str)),
    )
    claimed = []
    for r in rows:
        who: Recipient | None = known.get((r.recipient_kind, r.recipient_id))
        email = None
        if who is not None and who.email:
            text = render(r.topic, r.payload, who.language, cards, who.name)
            email = Email(
                r.message_id or ids_by_row[r.id],
                sender,
                who.email,
                who.name,
                text.subject,
                text.body,
                who.language,
            )
        claimed.append(Claimed(r.id, r.attempts, email))
    return claimed


def mark_sent(session: Session, row_id: int, at: datetime) -> None:
    session.execute(
        update(outbox)
        .where(outbox.c.id == row_id, outbox.c.sent_at.is_(None))
        .values(
            sent_at=at,
            attempts=outbox.c.attempts + 1,
            claimed_by=None,
            claimed_until=None,
            last_error=None,
        )
    )


def record_failure(
    session: Session, message: Claimed, failure: DeliveryFailure, at: datetime
) -> bool:
    """Schedule another attempt, or give up: at once for a permanent failure, after
    MAX_ATTEMPTS for a temporary one. True when the message became a dead letter."""
    attempts = message.attempts + 1
    values: dict[str, Any] = {
        "attempts": attempts,
        "last_error": failure.detail,
        "claimed_by": None,
        "claimed_until": None,
    }
    dead = failure.permanent or attempts >= MAX_ATTEMPTS
    if dead:
        reason = DeadReason.REFUSED if failure.permanent else DeadReason.TOO_MANY_ATTEMPTS
        values |= {"dead_at": at, "dead_reason": reason.value}
    else:
        values["next_attempt_at"] = at + backoff(attempts)
    session.execute(update(outbox).where(outbox.c.id == message.id).values(**values))
    return dead


def release(session: Session, worker: str, ids: list[int], *, rechoose: bool = False) -> None:
    """Give claimed messages back untouched (a stop, or a recipient to look at again)."""
    values: dict[str, Any] = {"claimed_by": None, "claimed_until": None}
    if rechoose:
        values["channel"] = None
    for chunk in _chunks(ids):
        session.execute(
            update(outbox)
            .where(outbox.c.id.in_(chunk), outbox.c.claimed_by == worker)
            .values(**values)
        )


def deliver(
    sessions: sessionmaker[Session],
    transport: Transport,
    worker: str,
    claimed: list[Claimed],
    stop: StopFlag,
    lease: timedelta = LEASE,
) -> Summary:
    """Send claimed messages one by one, committing each outcome before the next send."""
    summary = Summary()
    renewed = time.monotonic()
    for position, message in enumerate(claimed):
        if stop.requested:
            with sessions.begin() as session:
                release(session, worker, [m.id for m in claimed[position:]])
            break
        if message.email is None:
            with sessions.begin() as session:
                release(session, worker, [message.id], rechoose=True)
            continue
        if time.monotonic() - renewed > lease.total_seconds() / 3:
            with sessions.begin() as session:
                session.execute(
                    update(outbox)
                    .where(outbox.c.claimed_by == worker, _pending())
                    .values(claimed_until=utcnow() + lease)
                )
            renewed = time.monotonic()
        try:
            transport.send(message.email)
        except DeliveryFailure as failure:
            summary.errors.append(failure.detail)
            # Without a server there is no point in trying the rest of the batch now.
            group = claimed[position:] if failure.connection_lost else [message]
            with sessions.begin() as session:
                for failed in group:
                    if record_failure(session, failed, failure, utcnow()):
                        summary.dead += 1
                    else:
                        summary.retried += 1
            if failure.connection_lost:
                break
            continue
        with sessions.begin() as session:
            mark_sent(session, message.id, utcnow())
        summary.sent += 1
    return summary


def count_pending(session: Session, channel: Channel) -> int:
    return (
        session.scalar(
            select(func.count())
            .select_from(outbox)
            .where(outbox.c.channel == channel.value, _pending())
        )
        or 0
    )
